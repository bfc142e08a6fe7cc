package dev.weft.remote;

import dev.weft.UsageException;
import dev.weft.engine.FunctionInfo;
import dev.weft.remote.wire.ServiceMethods;
import dev.weft.remote.wire.Wire;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A function or class about to be deployed, with how: its service name, constructor arguments
 * (classes), log streaming, get-if-exists and the back end. Made by {@link Remote}; {@link
 * #to(Compute)} deploys it and returns the handle to call it with.
 *
 * <p>Immutable and thread-safe: each option returns a new deployment.
 *
 * @param <H> the handle {@code to} returns: a {@code RemoteFnN} or a {@link RemoteService}
 */
public final class Deployment<H> {
  /** Makes a typed function handle; the generated {@code RemoteFnN} constructors fit. */
  interface FunctionHandles<H> {
    H make(Service service, CallTarget target, CallOptions options);
  }

  private final String defaultName;
  private final Optional<String> name;
  private final Optional<FunctionInfo> function;
  private final Class<?> type;
  private final Object[] initArgs;
  private final boolean streamLogs;
  private final boolean getIfExists;
  private final ComputeBackend backend;
  private final Function<Service, H> handles;

  private Deployment(String defaultName, Optional<String> name, Optional<FunctionInfo> function, Class<?> type,
      Object[] initArgs, boolean streamLogs, boolean getIfExists, ComputeBackend backend, Function<Service, H> handles) {
    this.defaultName = defaultName;
    this.name = name;
    this.function = function;
    this.type = type;
    this.initArgs = initArgs;
    this.streamLogs = streamLogs;
    this.getIfExists = getIfExists;
    this.backend = backend;
    this.handles = handles;
  }

  static FunctionInfo describe(Serializable ref, int arity, boolean async) {
    FunctionInfo info = FunctionInfo.of(ref, arity, async);
    Method m = info.method();
    if (async && Wire.outputType(m) instanceof ParameterizedType p && p.getRawType() == Stream.class) {
      throw new UsageException(m.getDeclaringClass().getSimpleName() + "." + m.getName() + " returns a stage of a Stream;"
          + " to stream its items as they come, make it a sync function that returns the Stream (Remote.fn)");
    }
    if (!Modifier.isStatic(m.getModifiers())) {
      throw new UsageException("Remote." + (async ? "asyncFn" : "fn") + " needs a static method, but "
          + m.getDeclaringClass().getSimpleName() + "." + m.getName() + " is an instance method; deploy its class with Remote.cls("
          + m.getDeclaringClass().getSimpleName() + ".class, \"name\")");
    }
    return info;
  }

  static <H> Deployment<H> function(FunctionInfo info, FunctionHandles<H> factory) {
    CallTarget target = CallTarget.function(info);
    return new Deployment<>(serviceNameOf(info.name()), Optional.empty(), Optional.of(info), info.method().getDeclaringClass(),
        new Object[0], false, false, ComputeBackend.standard(), s -> factory.make(s, target, CallOptions.DEFAULTS));
  }

  static <T> Deployment<RemoteService<T>> cls(Class<T> type, String name) {
    Objects.requireNonNull(type, "type");
    ServiceSpec.checkName(name);
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type.isPrimitive() || type.isArray()) {
      throw new UsageException("Remote.cls needs a concrete class to build on the worker; " + type.getName() + " is not one");
    }
    try {
      ServiceMethods.of(type);
    } catch (IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
    return new Deployment<>(name, Optional.of(name), Optional.empty(), type, new Object[0], false, false,
        ComputeBackend.standard(), s -> new RemoteService<>(s, type, CallOptions.DEFAULTS));
  }

  /**
   * Deploys under this service name instead of the default (a class's given name; for a
   * function its name in lowercase with {@code -} for other characters, e.g. {@code numbers-twice}).
   *
   * @throws IllegalArgumentException if not a valid name (a DNS label: 1-63 of {@code a-z 0-9 -})
   */
  public Deployment<H> name(String serviceName) {
    ServiceSpec.checkName(serviceName);
    return new Deployment<>(defaultName, Optional.of(serviceName), function, type, initArgs, streamLogs, getIfExists,
        backend, handles);
  }

  /**
   * The class's constructor arguments (classes only). The public constructor taking exactly these
   * (by count and type) is used; they travel as JSON with its declared parameter types.
   */
  public Deployment<H> initArgs(Object... args) {
    Objects.requireNonNull(args, "args");
    if (function.isPresent()) {
      throw new UsageException("initArgs are for classes deployed with Remote.cls; a function takes its arguments per call");
    }
    return new Deployment<>(defaultName, name, function, type, args.clone(), streamLogs, getIfExists, backend, handles);
  }

  /**
   * Whether what calls print on the worker is streamed back while they run and printed to this
   * process's standard error as {@code [service] line} (a handle's {@code withLogs} sends it
   * elsewhere instead). Off by default.
   */
  public Deployment<H> streamLogs(boolean stream) {
    return new Deployment<>(defaultName, name, function, type, initArgs, stream, getIfExists, backend, handles);
  }

  /**
   * Whether a running service of the same name (started by any process) is reused rather than
   * replaced. Off by default, as in Kubetorch's {@code .to()}.
   */
  public Deployment<H> getIfExists(boolean reuse) {
    return new Deployment<>(defaultName, name, function, type, initArgs, streamLogs, reuse, backend, handles);
  }

  /** Deploys with another back end than {@link ComputeBackend#localProcesses()}. */
  public Deployment<H> backend(ComputeBackend computeBackend) {
    Objects.requireNonNull(computeBackend, "computeBackend");
    return new Deployment<>(defaultName, name, function, type, initArgs, streamLogs, getIfExists, computeBackend, handles);
  }

  /** The service name it deploys as. */
  public String serviceName() {
    return name.orElse(defaultName);
  }

  /**
   * Deploys and blocks until every replica is up and answers its health check.
   *
   * @throws DeploymentException if it cannot be deployed (the message says why, with the worker's last log lines)
   * @throws UsageException if the constructor arguments match no public constructor, or cannot travel as JSON
   */
  public H to(Compute compute) {
    Objects.requireNonNull(compute, "compute");
    if (getIfExists) {
      Optional<H> running = existing(); // reusing needs no constructor arguments
      if (running.isPresent()) {
        return running.get();
      }
    }
    ServiceSpec spec = spec();
    DeployedService deployed = backend.deploy(spec, compute, getIfExists, loadedFrom(type));
    return handles.apply(new Service(backend, deployed, streamLogs));
  }

  /**
   * The jars and directories of the URL class loaders between {@code type}'s loader and the
   * system class loader, outermost first: where an application served from a jar (not on the
   * class path) was loaded from, which its workers need on theirs. Empty for a class on the class
   * path. Only {@code file:} URLs count; a worker cannot load from anything else.
   */
  static List<java.nio.file.Path> loadedFrom(Class<?> type) {
    List<List<java.nio.file.Path>> perLoader = new ArrayList<>();
    ClassLoader system = ClassLoader.getSystemClassLoader();
    for (ClassLoader l = type.getClassLoader(); l != null && l != system; l = l.getParent()) {
      if (l instanceof java.net.URLClassLoader urls) {
        List<java.nio.file.Path> paths = new ArrayList<>();
        for (java.net.URL url : urls.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            try {
              paths.add(java.nio.file.Path.of(url.toURI()));
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
              // not a plain file URL; the worker could not use it either
            }
          }
        }
        perLoader.add(0, paths);
      }
    }
    return perLoader.stream().flatMap(List::stream).toList();
  }

  /** {@link #to(Compute)} with {@link Compute#defaults()}. */
  public H to() {
    return to(Compute.defaults());
  }

  /**
   * Deploys without blocking the caller: the returned future completes with the handle once the
   * service is healthy, or with the {@link DeploymentException}. Several deploy concurrently.
   */
  public CompletableFuture<H> toAsync(Compute compute) {
    Objects.requireNonNull(compute, "compute");
    if (!getIfExists) {
      spec(); // argument problems surface here, on the caller's thread
    }
    CompletableFuture<H> f = new CompletableFuture<>();
    Thread.ofVirtual().name("weft-deploy-" + serviceName()).start(() -> {
      try {
        f.complete(to(compute));
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /**
   * The running service of this name, if there is one, without deploying anything: Kubetorch's
   * reload by name. Works across processes.
   *
   * @throws DeploymentException if a service of this name runs something else
   */
  public Optional<H> existing() {
    String target = function.isPresent() ? "function " + function.get().name() : "class " + type.getName();
    return backend.find(serviceName()).map(found -> {
      if (!found.spec().target().equals(target)) {
        throw new DeploymentException("service '" + serviceName() + "' is running " + found.spec().target() + ", not " + target
            + "; tear it down first, or use another name");
      }
      return handles.apply(new Service(backend, found, streamLogs));
    });
  }

  private ServiceSpec spec() {
    String service = serviceName();
    if (function.isPresent()) {
      Method m = function.get().method();
      return new ServiceSpec(service, ServiceSpec.Kind.FUNCTION, m.getDeclaringClass().getName(), m.getName(),
          typeNames(m.getParameterTypes()), function.get().name(), "[]");
    }
    Constructor<?> ctor = constructor();
    String json = Wire.CODEC.encodeArgs(initArgs, ctor.getGenericParameterTypes());
    return new ServiceSpec(service, ServiceSpec.Kind.CLASS, type.getName(), "<init>", typeNames(ctor.getParameterTypes()), "", json);
  }

  private Constructor<?> constructor() {
    List<Constructor<?>> fitting = new ArrayList<>();
    for (Constructor<?> c : type.getConstructors()) {
      if (fits(c.getParameterTypes(), initArgs)) {
        fitting.add(c);
      }
    }
    if (fitting.size() == 1) {
      return fitting.get(0);
    }
    String have = Arrays.stream(type.getConstructors()).map(c -> type.getSimpleName() + Arrays.toString(
        Arrays.stream(c.getParameterTypes()).map(Class::getSimpleName).toArray())).toList().toString();
    String given = Arrays.toString(Arrays.stream(initArgs).map(a -> a == null ? "null" : a.getClass().getSimpleName()).toArray());
    throw new UsageException((fitting.isEmpty() ? "no public constructor of " : "more than one public constructor of ")
        + type.getName() + " takes initArgs " + given + "; its public constructors are " + have
        + (fitting.isEmpty() ? "" : "; pass arguments that pick exactly one"));
  }

  private static boolean fits(Class<?>[] params, Object[] args) {
    if (params.length != args.length) {
      return false;
    }
    for (int i = 0; i < params.length; i++) {
      Class<?> p = params[i];
      Object a = args[i];
      if (a == null ? p.isPrimitive() : !box(p).isInstance(a)) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> box(Class<?> p) {
    return java.lang.invoke.MethodType.methodType(p).wrap().returnType();
  }

  private static List<String> typeNames(Class<?>[] types) {
    return Arrays.stream(types).map(Class::getName).toList();
  }

  /** {@code Numbers.twice} → {@code numbers-twice}: a DNS label. */
  static String serviceNameOf(String function) {
    String s = function.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > 63) {
      s = s.substring(s.length() - 63).replaceAll("^-+", "");
    }
    return s.isEmpty() ? "function" : s;
  }

  @Override
  public String toString() {
    return "Deployment[" + serviceName() + (function.isPresent() ? ", function " + function.get().name() : ", class " + type.getName()) + "]";
  }
}

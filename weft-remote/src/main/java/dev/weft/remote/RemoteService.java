package dev.weft.remote;

import dev.weft.UsageException;
import dev.weft.remote.wire.ServiceMethods;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A class deployed as a service: one instance on each replica, built with the deployment's
 * constructor arguments, called through an interface the class implements.
 *
 * <pre>{@code
 * RemoteService<Trainer> service = Remote.cls(Trainer.class, "trainer").initArgs(config).to(compute);
 * Training trainer = service.proxy(Training.class);
 * Model m = trainer.train(3);                                              // blocks
 * CompletableFuture<Model> later = service.async(Training.class, t -> t.train(3));   // per-call async
 * }</pre>
 *
 * <p>A proxy method that returns a value blocks until it is back; one that returns a {@code
 * CompletionStage} (an async method of the class, run on the worker's event loop) returns at
 * once. Outcomes, timeouts, cancellation, retries and logs are as for {@link RemoteFunction};
 * a method's {@code @Function} options (retries, backoff, timeout) apply when it has them. A
 * checked exception the interface method declares is thrown as is; other checked ones are
 * wrapped in {@link dev.weft.FunctionException}.
 *
 * <p>Immutable and thread-safe, as are its proxies; the {@code with...} methods return new
 * handles to the same service.
 *
 * @param <T> the deployed class
 */
public final class RemoteService<T> {
  final Service service;
  private final Class<T> type;
  private final CallOptions options;
  private final Map<Method, CallTarget> targets = new ConcurrentHashMap<>();

  RemoteService(Service service, Class<T> type, CallOptions options) {
    this.service = service;
    this.type = type;
    this.options = options;
  }

  public String name() {
    return service.name();
  }

  public Class<T> type() {
    return type;
  }

  /** The process ids of the service's replicas, as last known. */
  public List<Long> processIds() {
    return service.pids();
  }

  /** Where the service's first replica writes its output (for people to read). */
  public String logFile() {
    return service.deployed().logFile();
  }

  /**
   * A proxy that calls the service through {@code api}.
   *
   * @throws UsageException if {@code api} is not an interface that the deployed class implements,
   *     or has a method returning a Weft {@code Future} (remote methods return values or stages)
   */
  public <I> I proxy(Class<I> api) {
    checkApi(api);
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return local(proxy, method, args);
      }
      CallTarget target = target(method);
      CompletableFuture<Object> call = Calls.start(service, target, options, args == null ? new Object[0] : args);
      if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
        return call;
      }
      try {
        return call.get();
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof RuntimeException) && !(cause instanceof Error)) {
          for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isInstance(cause)) {
              throw cause;
            }
          }
        }
        throw Calls.rethrow(cause, target.display());
      } catch (InterruptedException e) {
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted while waiting for remote call " + target.display());
      }
    };
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, h));
  }

  /**
   * Makes one call asynchronously, whatever its signature: {@code call} is applied to a
   * recording stand-in of {@code api} and must call exactly one of its methods; that call is sent
   * and the returned future completes with its value. ({@code api -> api.train(3)}.)
   *
   * @throws UsageException if {@code call} calls no method of {@code api}, or more than one, or
   *     one that already returns a stage (call that through {@link #proxy} instead)
   */
  public <I, R> CompletableFuture<R> async(Class<I> api, Function<? super I, ? extends R> call) {
    checkApi(api);
    Objects.requireNonNull(call, "call");
    Object[][] recorded = new Object[1][];
    Method[] method = new Method[1];
    int[] count = new int[1];
    I recorder = api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, (proxy, m, args) -> {
      if (m.getDeclaringClass() == Object.class) {
        return local(proxy, m, args);
      }
      count[0]++;
      method[0] = m;
      recorded[0] = args == null ? new Object[0] : args.clone();
      return zero(m.getReturnType());
    }));
    call.apply(recorder);
    if (count[0] != 1) {
      throw new UsageException("RemoteService.async needs a lambda that calls exactly one method of " + api.getSimpleName()
          + ", such as api -> api.train(3); it called " + count[0]);
    }
    if (CompletionStage.class.isAssignableFrom(method[0].getReturnType())) {
      throw new UsageException(api.getSimpleName() + "." + method[0].getName()
          + " already returns a stage: call it through proxy(" + api.getSimpleName() + ".class), which does not block");
    }
    return Calls.start(service, target(method[0]), options, recorded[0]);
  }

  /** A handle whose calls time out after {@code timeout}. @throws IllegalArgumentException unless positive and at most 24 h */
  public RemoteService<T> withTimeout(Duration timeout) {
    return new RemoteService<>(service, type, options.withTimeout(timeout));
  }

  /** A handle whose calls stream the lines the methods print to {@code sink} while they run. */
  public RemoteService<T> withLogs(Consumer<String> sink) {
    return new RemoteService<>(service, type, options.withLogs(sink));
  }

  /** Stops the service (all its replicas) for every caller. */
  public void teardown() {
    service.teardown();
  }

  private void checkApi(Class<?> api) {
    Objects.requireNonNull(api, "api");
    if (!api.isInterface() || !api.isAssignableFrom(type)) {
      throw new UsageException(api.getName() + " is not an interface that " + type.getName()
          + " implements; a remote proxy needs one, so that both sides agree on the methods");
    }
    for (Method m : api.getMethods()) {
      if (dev.weft.Future.class.isAssignableFrom(m.getReturnType())) {
        throw new UsageException(api.getSimpleName() + "." + m.getName()
            + " returns a Weft Future; a remote method returns a value or a CompletionStage");
      }
    }
  }

  /**
   * The target of an interface method: the class's method with that signature, if remote
   * callers may call it ({@link ServiceMethods}); refused here, before anything is sent.
   */
  private CallTarget target(Method apiMethod) {
    return targets.computeIfAbsent(apiMethod, m -> {
      for (Method callable : ServiceMethods.of(type)) {
        if (callable.getName().equals(m.getName()) && Arrays.equals(callable.getParameterTypes(), m.getParameterTypes())) {
          return CallTarget.method(callable);
        }
      }
      throw new UsageException(type.getSimpleName() + "." + m.getName() + " cannot be called remotely on service '"
          + service.name() + "': a class service serves only the public methods its class declares (or inherits "
          + "from superclasses), never Object's methods, close() or other lifecycle methods. Callable: "
          + ServiceMethods.names(type));
    });
  }

  private Object local(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "RemoteService proxy[" + type.getSimpleName() + " on " + service.name() + "]";
    };
  }

  private static Object zero(Class<?> type) {
    if (!type.isPrimitive() || type == void.class) return null;
    if (type == boolean.class) return false;
    if (type == char.class) return '\0';
    if (type == long.class) return 0L;
    if (type == double.class) return 0.0;
    if (type == float.class) return 0.0f;
    if (type == int.class) return 0;
    if (type == short.class) return (short) 0;
    return (byte) 0;
  }

  @Override
  public String toString() {
    return "RemoteService[" + type.getSimpleName() + " on " + service.name() + "]";
  }
}

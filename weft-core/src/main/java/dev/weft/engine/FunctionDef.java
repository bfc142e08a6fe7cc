package dev.weft.engine;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Placement;
import dev.weft.UsageException;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * What a {@link Function}-annotated method is to Weft: its name, how it is dispatched, and its
 * validated options. Read once per method-reference class (a {@link ClassValue}), so making a
 * handle costs a lookup. Immutable.
 */
final class FunctionDef {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE);

  private static final ClassValue<FunctionDef[]> CACHE = new ClassValue<>() {
    @Override
    protected FunctionDef[] computeValue(Class<?> type) {
      return new FunctionDef[1];
    }
  };

  private final String name;
  private final Method method;
  private final boolean onLoop;
  private final Class<?>[] paramTypes;
  private final java.lang.reflect.Type[] paramGenericTypes;
  private final java.lang.reflect.Type outputType;
  private final Class<?> returnType;
  private final int retries;
  private final RetryPolicy backoff;
  private final Optional<Duration> timeout;
  private final boolean application;
  private final long nameHash;
  private final Placement placement;
  private final double cpus;
  private final long memoryBytes;

  private FunctionDef(String name, Method method, boolean onLoop, Class<?>[] paramTypes,
      java.lang.reflect.Type[] paramGenericTypes, int retries, RetryPolicy backoff, Optional<Duration> timeout,
      Placement placement, double cpus, long memoryBytes) {
    this.name = name;
    this.method = method;
    this.onLoop = onLoop;
    this.paramTypes = paramTypes;
    this.paramGenericTypes = paramGenericTypes;
    this.outputType = outputType(method);
    this.returnType = box(method.getReturnType());
    this.retries = retries;
    this.backoff = backoff;
    this.timeout = timeout;
    this.application = method.isAnnotationPresent(Application.class);
    this.nameHash = dev.weft.journal.DurableId.nameHash(name);
    this.placement = placement;
    this.cpus = cpus;
    this.memoryBytes = memoryBytes;
  }

  static FunctionDef of(Serializable ref, int arity, boolean async) {
    FunctionDef[] slot = CACHE.get(ref.getClass());
    FunctionDef def = slot[0];
    if (def == null) {
      def = resolve(ref, arity, async);
      slot[0] = def; // racing threads resolve the same value; publication of a final-field object is safe
    }
    return def;
  }

  String name() {
    return name;
  }

  /** Async functions that return a plain stage are invoked on an event loop; all else on virtual threads. */
  boolean onLoop() {
    return onLoop;
  }

  /** For durable ids: the name's hash, computed once. */
  long nameHash() {
    return nameHash;
  }

  boolean isApplication() {
    return application;
  }

  int arity() {
    return paramTypes.length;
  }

  Class<?> paramType(int i) {
    return paramTypes[i];
  }

  Class<?> returnType() {
    return returnType;
  }

  /** The declared type of argument {@code i}, generics included (for serialization). */
  java.lang.reflect.Type paramGenericType(int i) {
    return paramGenericTypes[i];
  }

  java.lang.reflect.Type[] paramGenericTypes() {
    return paramGenericTypes.clone();
  }

  /**
   * The declared type of the function's value, generics included: the return type, or for a
   * method returning a stage or a Weft future, what that completes with.
   */
  java.lang.reflect.Type outputType() {
    return outputType;
  }

  private static java.lang.reflect.Type outputType(Method method) {
    java.lang.reflect.Type t = method.getGenericReturnType();
    if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
      return t instanceof java.lang.reflect.ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
    return t;
  }

  /** {@link Function#INHERIT} if not set. */
  int retries() {
    return retries;
  }

  RetryPolicy backoff() {
    return backoff;
  }

  Optional<Duration> timeout() {
    return timeout;
  }

  Method method() {
    return method;
  }

  /** Where calls run; {@link Placement#FLEET} only for a static method. */
  Placement placement() {
    return placement;
  }

  /** The CPUs one call takes on a fleet node. */
  double cpus() {
    return cpus;
  }

  /** The memory one call takes on a fleet node, in bytes. */
  long memoryBytes() {
    return memoryBytes;
  }

  @Override
  public String toString() {
    return name;
  }

  private static FunctionDef resolve(Serializable ref, int arity, boolean async) {
    String entry = async ? "Weft.asyncFn" : "Weft.fn";
    SerializedLambda lambda = serializedForm(ref, entry);
    if (lambda.getImplMethodName().startsWith("lambda$")) {
      throw new UsageException(entry + " needs a method reference such as Numbers::twice, got a lambda in "
          + lambda.getCapturingClass().replace('/', '.') + "; move its body into a method annotated @Function");
    }
    if (lambda.getImplMethodKind() == MethodHandleInfo.REF_newInvokeSpecial) {
      throw new UsageException(entry + " needs a method reference, got a constructor reference ("
          + lambda.getImplClass().replace('/', '.') + "::new)");
    }
    Method method = findMethod(ref, lambda, entry);
    boolean unbound = !Modifier.isStatic(method.getModifiers()) && lambda.getCapturedArgCount() == 0;
    return define(method, unbound, async, arity, entry);
  }

  /**
   * The definition of a reflected static method (an application found by scanning), taken
   * as async when it returns a stage.
   */
  static FunctionDef ofMethod(Method method) {
    if (!Modifier.isStatic(method.getModifiers())) {
      throw new UsageException(method.getDeclaringClass().getSimpleName() + "." + method.getName()
          + " must be static to be found as an application");
    }
    boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
    return define(method, false, async, method.getParameterCount(), "Applications");
  }

  /**
   * The definition of a method run directly by name rather than through a method reference: a
   * remote worker's deployed function or class method. No annotation is required (a class
   * service's methods need none), there are no retries (the caller retries), and {@code timeout}
   * bounds each call. Stage-returning methods (but not Weft futures) run on an event loop.
   */
  static FunctionDef direct(Method method, String name, Duration timeout) {
    Class<?>[] declared = method.getParameterTypes();
    Class<?>[] params = new Class<?>[declared.length];
    for (int i = 0; i < declared.length; i++) {
      params[i] = box(declared[i]);
    }
    java.lang.reflect.Type[] generic = method.getGenericParameterTypes();
    if (generic.length != declared.length) {
      generic = declared.clone();
    }
    boolean onLoop = CompletionStage.class.isAssignableFrom(method.getReturnType())
        && !Future.class.isAssignableFrom(method.getReturnType());
    return new FunctionDef(name, method, onLoop, params, generic, 0, RetryPolicy.NONE, Optional.of(timeout),
        Placement.LOCAL, 1.0, 0);
  }

  /** The definition of a reflected annotated method, static or not, taken as async when it returns a stage. */
  static FunctionDef annotated(Method method, String entry) {
    boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
    return define(method, false, async, method.getParameterCount(), entry);
  }

  private static FunctionDef define(Method method, boolean unbound, boolean async, int arity, String entry) {
    String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    Function options = method.getAnnotation(Function.class);
    if (options == null) {
      throw new UsageException(entry + "(" + where.replace(".", "::") + "): " + where
          + " is not annotated @Function; add @Function to the method");
    }
    boolean returnsStage = CompletionStage.class.isAssignableFrom(method.getReturnType());
    if (!async && returnsStage) {
      throw new UsageException(where + " returns a " + method.getReturnType().getSimpleName()
          + ", so it is an async function; take it with Weft.asyncFn(" + where.replace(".", "::") + ")");
    }
    Class<?>[] declared = method.getParameterTypes();
    java.lang.reflect.Type[] declaredGeneric = method.getGenericParameterTypes();
    Class<?>[] params = new Class<?>[declared.length + (unbound ? 1 : 0)];
    java.lang.reflect.Type[] generic = new java.lang.reflect.Type[params.length];
    if (unbound) {
      params[0] = method.getDeclaringClass();
      generic[0] = method.getDeclaringClass();
    }
    for (int i = 0; i < declared.length; i++) {
      params[i + (unbound ? 1 : 0)] = box(declared[i]);
      generic[i + (unbound ? 1 : 0)] = declaredGeneric.length == declared.length ? declaredGeneric[i] : declared[i];
    }
    if (params.length != arity) {
      throw new IllegalStateException("arity mismatch for " + where + ": " + params.length + " != " + arity);
    }
    String name = options.name().isEmpty() ? where : options.name().trim();
    if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      throw invalid(where, "name", "'" + options.name() + "'", "a non-blank name of at most 200 printable characters");
    }
    int retries = options.retries();
    if (retries != Function.INHERIT && (retries < 0 || retries > 10)) {
      throw invalid(where, "retries", String.valueOf(retries), "0..10 (or leave it unset to inherit the application's)");
    }
    Optional<Duration> timeout = Optional.empty();
    if (!options.timeout().isEmpty()) {
      Duration t = duration(where, "timeout", options.timeout());
      if (t.compareTo(MIN_TIMEOUT) < 0 || t.compareTo(MAX_TIMEOUT) > 0) {
        throw invalid(where, "timeout", options.timeout(), "between 1s and 24h");
      }
      timeout = Optional.of(t);
    }
    RetryPolicy backoff = backoff(where, options.backoff());
    if (!(options.cpus() > 0 && options.cpus() <= 1024)) {
      throw invalid(where, "cpus", String.valueOf(options.cpus()), "a number of CPUs in (0, 1024]");
    }
    java.util.regex.Matcher memory = MEMORY.matcher(options.memory().trim());
    if (!memory.matches()) {
      throw invalid(where, "memory", "'" + options.memory() + "'", "a size such as 512m, 1g or 2.5g");
    }
    long memoryBytes = bytes(memory.group(1), memory.group(2));
    if (options.placement() == Placement.FLEET && !Modifier.isStatic(method.getModifiers())) {
      throw invalid(where, "placement", "FLEET", "set on a static method only (another node loads its class and calls it "
          + "by name, with no instance)");
    }
    boolean onLoop = async && !Future.class.isAssignableFrom(method.getReturnType());
    return new FunctionDef(name, method, onLoop, params, generic, retries, backoff, timeout, options.placement(),
        options.cpus(), memoryBytes);
  }

  private static long bytes(String number, String unit) {
    int shift = switch (unit.toLowerCase(java.util.Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    return (long) Math.ceil(Double.parseDouble(number) * (1L << shift));
  }

  private static RetryPolicy backoff(String where, Backoff b) {
    Duration initial = duration(where, "backoff.initial", b.initial());
    Duration max = duration(where, "backoff.max", b.max());
    if (initial.isZero() || initial.isNegative()) {
      throw invalid(where, "backoff.initial", b.initial(), "a positive duration");
    }
    if (!(b.multiplier() >= 1.0 && b.multiplier() <= 100.0)) {
      throw invalid(where, "backoff.multiplier", String.valueOf(b.multiplier()), "a number in [1, 100]");
    }
    if (max.compareTo(initial) < 0) {
      throw invalid(where, "backoff.max", b.max(), "at least backoff.initial (" + b.initial() + ")");
    }
    if (!(b.jitter() >= 0.0 && b.jitter() <= 1.0)) {
      throw invalid(where, "backoff.jitter", String.valueOf(b.jitter()), "a fraction in [0, 1]");
    }
    return new RetryPolicy(0, initial, b.multiplier(), max, b.jitter());
  }

  private static Duration duration(String where, String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("@Function option '" + option + "' of " + where + " is invalid: " + e.getMessage());
    }
  }

  private static UsageException invalid(String where, String option, String value, String expected) {
    return new UsageException(
        "@Function option '" + option + "' of " + where + " is " + value + "; it must be " + expected);
  }

  private static SerializedLambda serializedForm(Serializable ref, String entry) {
    try {
      Method writeReplace = ref.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return (SerializedLambda) writeReplace.invoke(ref);
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      throw new UsageException(entry + " needs a method reference such as Numbers::twice, got "
          + ref.getClass().getName(), e);
    }
  }

  private static Method findMethod(Serializable ref, SerializedLambda lambda, String entry) {
    String owner = lambda.getImplClass().replace('/', '.');
    try {
      Class<?> type = Class.forName(owner, false, ref.getClass().getClassLoader());
      for (Method m : type.getDeclaredMethods()) {
        if (m.getName().equals(lambda.getImplMethodName())
            && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString()
                .equals(lambda.getImplMethodSignature())) {
          return m;
        }
      }
    } catch (ClassNotFoundException e) {
      throw new UsageException(entry + ": cannot load " + owner, e);
    }
    throw new UsageException(entry + ": cannot find " + owner + "." + lambda.getImplMethodName());
  }

  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) return Integer.class;
    if (type == long.class) return Long.class;
    if (type == double.class) return Double.class;
    if (type == boolean.class) return Boolean.class;
    if (type == float.class) return Float.class;
    if (type == short.class) return Short.class;
    if (type == byte.class) return Byte.class;
    if (type == char.class) return Character.class;
    return Void.class;
  }
}

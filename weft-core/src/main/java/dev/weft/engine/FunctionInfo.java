package dev.weft.engine;

import dev.weft.Function;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the engine knows of a {@link Function}-annotated method, for layers that run functions
 * elsewhere (remote compute): name, method, declared types, retry policy and timeout, with the
 * engine's own rules for which failures are retried and how long to wait between attempts.
 *
 * <p><b>Internal</b> (see the package note). Immutable and thread-safe.
 */
public final class FunctionInfo {
  private final FunctionDef def;

  private FunctionInfo(FunctionDef def) {
    this.def = def;
  }

  /**
   * Resolves a method reference as {@code Weft.fn} ({@code async == false}) or {@code
   * Weft.asyncFn} does, with the same validation and messages.
   *
   * @throws dev.weft.UsageException if it is not a reference to a valid {@code @Function} method
   */
  public static FunctionInfo of(Serializable ref, int arity, boolean async) {
    return new FunctionInfo(FunctionDef.of(ref, arity, async));
  }

  /**
   * Reads the {@code @Function} options of a reflected method, static or not (a class
   * service's method), taking it as async when it returns a stage.
   *
   * @throws dev.weft.UsageException if it is not annotated or its options are invalid
   */
  public static FunctionInfo of(Method method) {
    return new FunctionInfo(FunctionDef.annotated(method, "Remote.cls"));
  }

  public String name() {
    return def.name();
  }

  public Method method() {
    return def.method();
  }

  /** Whether it returns a stage (and so runs on an event loop when it is not a Weft future). */
  public boolean onLoop() {
    return def.onLoop();
  }

  /** Declared parameter types, generics included; for an unbound instance method the receiver first. */
  public Type[] parameterTypes() {
    return def.paramGenericTypes();
  }

  /** The declared type of the value: the return type, or what a returned stage completes with. */
  public Type outputType() {
    return def.outputType();
  }

  /** Retries after the first attempt; 0 when the annotation leaves it to the application. */
  public int retries() {
    return Math.max(0, def.retries());
  }

  public Optional<Duration> timeout() {
    return def.timeout();
  }

  /** How long to wait after failed attempt {@code attempt} (1-based), jitter applied. */
  public Duration retryDelay(int attempt) {
    return Duration.ofNanos(def.backoff().delayNanos(attempt, ThreadLocalRandom.current().nextDouble()));
  }

  /** The calls' default timeout when {@link #timeout()} is empty. */
  public static Duration defaultTimeout() {
    return FunctionDef.DEFAULT_TIMEOUT;
  }

  /**
   * Whether another attempt may help, by the engine's rule: not for usage or request errors,
   * cancellation, interrupts, blocked-loop failures or JVM errors.
   */
  public static boolean retryable(Throwable failure) {
    return Failures.retryable(Failures.unwrap(failure));
  }

  @Override
  public String toString() {
    return "FunctionInfo[" + def.name() + "]";
  }
}

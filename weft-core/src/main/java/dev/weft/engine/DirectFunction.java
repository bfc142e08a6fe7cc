package dev.weft.engine;

import dev.weft.Future;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;

/**
 * A reflected method run as a Weft call on a given engine, outside any request: how a remote
 * worker runs what was deployed to it. Calls dispatch as local ones do (a method returning a
 * {@code CompletionStage} is invoked on an event loop under the engine's blocked-loop watchdog,
 * any other on a virtual thread named {@code weft-call}), are bounded by a per-call timeout, and
 * are cancelled by {@link Future#cancel()}. They are never retried here: the caller decides.
 *
 * <p><b>Internal</b> (see the package note). Immutable and thread-safe.
 */
public final class DirectFunction {
  /** What a call runs: typically {@code method.invoke(target, args)} with some context around it. */
  @FunctionalInterface
  public interface Body {
    Object invoke(Object[] args) throws Exception;
  }

  private final Method method;
  private final String name;
  /** The definition for the last timeout used; calls almost always share one. */
  private volatile FunctionDef last;

  private DirectFunction(Method method, String name) {
    this.method = method;
    this.name = name;
  }

  /**
   * @param method the method whose parameter and return types describe the calls
   * @param name how errors and the watchdog name it
   */
  public static DirectFunction of(Method method, String name) {
    return new DirectFunction(Objects.requireNonNull(method, "method"), Objects.requireNonNull(name, "name"));
  }

  /** Whether calls run on an event loop (the method returns a stage that is not a Weft future). */
  public boolean onLoop() {
    return definition(Duration.ofSeconds(1)).onLoop();
  }

  /**
   * Starts a call and returns its (started) future. Arguments must already be values of the
   * method's parameter types; a mismatch fails the future with a {@code UsageException}.
   *
   * @param timeout how long the call may run before it fails with a {@code FunctionTimeoutException}
   *     (its thread interrupted, or its stage cancelled)
   */
  public Future<Object> start(Engine engine, Object[] args, Duration timeout, Body body) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    FunctionDef def = definition(timeout);
    FunctionSpec spec = new FunctionSpec(def, body::invoke);
    Frame root = engine.localRoot();
    CallFuture<Object> call = new CallFuture<>(spec, args.clone(), root, root.nextChildId('c', def), -1, null);
    call.run();
    return call;
  }

  private FunctionDef definition(Duration timeout) {
    FunctionDef def = last;
    if (def == null || !def.timeout().orElseThrow().equals(timeout)) {
      def = FunctionDef.direct(method, name, timeout);
      last = def;
    }
    return def;
  }

  @Override
  public String toString() {
    return "DirectFunction[" + name + "]";
  }
}

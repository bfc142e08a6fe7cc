package dev.weft.engine;

import dev.weft.Future;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;

/**
 * A reflected method run as a Weft call with a body of the caller's choosing: on a given engine,
 * outside any request, as a remote worker runs what was deployed to it ({@link #start}); or as a
 * Weft handle whose calls run the body, as a remote caller makes its functions composable
 * ({@link #handle}). Calls dispatch as local ones do (a method returning a
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
    return start(engine, args, timeout, body, name -> null);
  }

  /**
   * As {@link #start(Engine, Object[], Duration, Body)}, for a call that came with
   * {@code header}s (a remote worker's incoming request): the engine's observer, if any, reads
   * its caller's context from them (such as a W3C {@code traceparent}), so the call's attempt is
   * observed as a child of the caller's. {@code header} returns a header's value, or null.
   */
  public Future<Object> start(Engine engine, Object[] args, Duration timeout, Body body,
      java.util.function.Function<String, String> header) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    FunctionDef def = definition(timeout);
    FunctionSpec spec = new FunctionSpec(def, body::invoke);
    Frame root = engine.localRoot();
    Frame parent = root;
    if (engine.observed) {
      dev.weft.observe.Observation caller = engine.observer.extract(header);
      if (caller != dev.weft.observe.Observation.NONE) {
        parent = new Frame(root.run, null, null, false, false);
        parent.observation = caller;
      }
    }
    CallFuture<Object> call = new CallFuture<>(spec, args.clone(), parent, root.nextChildId('c', def), -1, null);
    call.run();
    return call;
  }

  /**
   * A Weft handle ({@code Fn0} … {@code Fn5}, by the method's parameter count) whose calls run
   * {@code body} in place of the method: how another layer (remote compute) makes its calls
   * compose as local ones do. Its calls dispatch as {@link #start} says, take futures as
   * arguments, map, reduce and tail-call like any handle's, and inside a request are journaled
   * and replayed by their durable ids (the method's name stands in them). The engine never
   * retries them (the body's layer owns that) and stops a call after {@code timeout}.
   *
   * @throws IllegalArgumentException if the method has more than 5 parameters, or {@code timeout}
   *     is not positive
   */
  public Object handle(Duration timeout, Body body) {
    Objects.requireNonNull(body, "body");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    FunctionSpec spec = new FunctionSpec(FunctionDef.direct(method, name, timeout), body::invoke);
    return switch (method.getParameterCount()) {
      case 0 -> new Handle0<>(spec);
      case 1 -> new Handle1<>(spec);
      case 2 -> new Handle2<>(spec);
      case 3 -> new Handle3<>(spec);
      case 4 -> new Handle4<>(spec);
      case 5 -> new Handle5<>(spec);
      default -> throw new IllegalArgumentException(name + " takes " + method.getParameterCount()
          + " parameters; a Weft handle takes at most 5");
    };
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

package dev.weft.spi;

/**
 * Sits around every attempt of every function body a runtime invokes: a test kit's fake bodies
 * and injected failures. Given through {@code WeftRuntime.Builder.intercept(...)}; without one, bodies
 * are called directly.
 *
 * <p>Called on the thread that runs the attempt (a virtual thread for a sync function, an event
 * loop for an async one, so it must not block there), from many threads at once: implementations are
 * thread-safe. Whatever it returns or throws is the attempt's result, with the function's retries,
 * timeout and journaling applied as to the real body's.
 */
@FunctionalInterface
public interface CallInterceptor {
  /**
   * Runs one attempt.
   *
   * @param function the function's name (what {@code handle.name()} returns)
   * @param attempt the attempt's number, from 1
   * @param async whether the function is async: then the result must be a {@code CompletionStage}
   *     (or a Weft future for a tail call)
   * @param args the arguments, resolved; do not modify them
   * @param body the real body; call {@link Body#invoke()} to run it
   */
  Object intercept(String function, int attempt, boolean async, Object[] args, Body body) throws Throwable;

  /** The real body of the intercepted attempt. */
  @FunctionalInterface
  interface Body {
    /** Runs the function's own body with the attempt's arguments and returns its result. */
    Object invoke() throws Throwable;
  }
}

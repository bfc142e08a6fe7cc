package dev.weft;

import dev.weft.engine.Bridges;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * Bridges between blocking and non-blocking code (TruLens' {@code sync}/{@code desync}, without
 * their defects).
 *
 * <ul>
 *   <li>{@link #sync(CompletionStage)} / {@link #sync(Callable)}: from blocking code, run async
 *       work to its value. On an event-loop thread the loop keeps running its queued tasks while
 *       it waits, so waiting for work queued on that very loop never deadlocks (the blocked-loop
 *       detector still reports the wait: prefer composing in async code).
 *   <li>{@link #desync(Callable)} / {@link #desyncCompose(Callable)}: from async code, run
 *       blocking work on a new virtual thread and get a stage; the caller's thread is never used.
 *   <li>{@link #toStage(Object)}: treat a maybe-async value (a plain value, a stage, a Weft
 *       future) uniformly as a stage.
 *   <li>{@link #isAsync(Object)}: tell whether a callable is async, through any depth of
 *       {@link Wrapper}s and dynamic proxies.
 * </ul>
 *
 * <p>Failures of every kind propagate unchanged: exceptions, {@link Error}s and cancellation
 * ({@link java.util.concurrent.CancellationException}); an interrupted wait throws
 * {@code CancellationException} and keeps the interrupt status. Nothing comes back as
 * {@code null} unless the work's value was {@code null}. Work runs with the calling function's
 * {@link RequestContext}. All methods are thread-safe.
 */
public final class Async {
  private Async() {}

  /**
   * Waits for {@code stage} and returns its value (a Weft future is started first).
   *
   * @throws RuntimeException the stage's failure, unwrapped as {@link Future#result()} does
   */
  public static <T> T sync(CompletionStage<? extends T> stage) {
    return Bridges.sync(stage);
  }

  /**
   * Calls {@code work} on this thread and waits for the stage it returns.
   *
   * @throws NullPointerException if {@code work} returns null instead of a stage
   */
  public static <T> T sync(Callable<? extends CompletionStage<? extends T>> work) {
    return Bridges.sync(Bridges.call(work));
  }

  /** Runs blocking {@code work} on a new virtual thread; the stage completes with its outcome. */
  public static <T> CompletionStage<T> desync(Callable<? extends T> work) {
    return Bridges.desync(work);
  }

  /**
   * Runs maybe-blocking {@code work} that returns a stage on a new virtual thread, and completes
   * with that stage's outcome (flattened).
   */
  public static <T> CompletionStage<T> desyncCompose(Callable<? extends CompletionStage<? extends T>> work) {
    return Bridges.desyncCompose(work);
  }

  /**
   * A stage that completes (with null) after about {@code delay}: a non-blocking sleep for async
   * code, on Weft's timer (10 ms precision); dependents run on a virtual thread. Cancelling the
   * stage is allowed and just completes it.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static CompletionStage<Void> delay(java.time.Duration delay) {
    return Bridges.delay(delay);
  }

  /**
   * A maybe-async value as a stage: a {@link CompletionStage} (a Weft future is started) as it
   * is, anything else (null included) as a completed stage. The cast to {@code T} is unchecked.
   */
  public static <T> CompletionStage<T> toStage(Object valueOrStage) {
    return Bridges.toStage(valueOrStage);
  }

  /**
   * Whether {@code callable} is async: a handle of an async function, an
   * {@link Fn1.AsyncRef}-style reference, or any object whose functional method returns a
   * {@link CompletionStage} (seen from its declared methods, its generic interfaces, or for a
   * serializable lambda, the method it implements). {@link Wrapper}s are unwrapped to any depth,
   * and a dynamic proxy is judged by its invocation handler (if that is a wrapper) or by the
   * interface it implements. A plain lambda whose target interface does not say (a raw
   * {@code Callable}) cannot be seen into and counts as not async.
   */
  public static boolean isAsync(Object callable) {
    return Bridges.isAsync(callable);
  }

  /**
   * Implemented by decorators (retrying, logging, metered wrappers) so that
   * {@link #isAsync(Object)} can see what they wrap.
   */
  public interface Wrapper {
    /** The wrapped object. */
    Object unwrap();
  }
}

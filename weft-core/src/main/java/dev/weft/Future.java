package dev.weft;

import dev.weft.engine.Waiting;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The lazy result of a Weft call, map or reduce.
 *
 * <p><b>Starting.</b> A future is made unstarted. It starts exactly once: on {@link #run()}, on
 * any observation ({@link #result()}, any {@link CompletionStage} method,
 * {@link #toCompletableFuture()}), when the call, map or reduce it was passed to as an input
 * starts (being passed starts nothing by itself), or when a function returns it (a tail call). Starting it explicitly twice
 * ({@code run()} after it started) is a {@link UsageException}; observing a started future is
 * fine, and a future may be observed any number of times.
 *
 * <p><b>Results and failures.</b> {@link #result()} returns the value or throws the function's
 * own exception, unwrapped: a {@code RuntimeException} or {@code Error} is rethrown as it is (its
 * type and stack are the function's), a checked exception arrives as the cause of a
 * {@link FunctionException}. Cancellation throws {@link java.util.concurrent.CancellationException}.
 * Through the {@code CompletionStage} view failures are wrapped in
 * {@link java.util.concurrent.CompletionException} as the JDK does.
 *
 * <p><b>Threads.</b> All methods are thread-safe. {@code result} blocks; everything else does
 * not. Dependent actions registered through the {@code CompletionStage} methods run with the
 * {@link RequestContext} of the call that registered them, so futures made inside them belong to
 * the same request.
 *
 * @param <T> the result type
 */
public interface Future<T> extends CompletionStage<T> {

  /**
   * Starts this future and returns it.
   *
   * @throws UsageException if it has already started
   */
  Future<T> run();

  /**
   * Starts this future if needed and waits for its result.
   *
   * <p>On an event-loop thread this blocks the loop (the blocked-loop detector reports it);
   * async code should compose through the {@code CompletionStage} methods instead.
   *
   * @throws java.util.concurrent.CancellationException if it was cancelled, or if the waiting
   *     thread is interrupted (the interrupt status is kept set)
   * @throws RuntimeException the function's own unchecked exception, or a {@link WeftException}
   *     ({@link FunctionException} for a checked one, {@link FunctionTimeoutException},
   *     {@link RequestError}, {@link UsageException})
   */
  T result();

  /**
   * Like {@link #result()}, waiting at most {@code timeout}.
   *
   * @throws WaitTimeoutException if {@code timeout} passes first; the call goes on running
   */
  T result(Duration timeout);

  /** Whether it has completed, in any way. Never blocks, never starts it. */
  boolean done();

  /** Whether it has started. */
  boolean started();

  /**
   * The failure it completed with, or empty if it has not completed or succeeded. A cancelled
   * future's failure is a {@link java.util.concurrent.CancellationException}. Never blocks.
   */
  Optional<Throwable> exception();

  /**
   * Cancels it: an unstarted future will never run; a running call is interrupted (sync) or has
   * its stage cancelled (async), and the futures it started and still runs are cancelled too.
   *
   * @return whether this call made it cancelled (false if it had already completed)
   */
  boolean cancel();

  /**
   * Waits until the condition {@code when} holds for {@code futures} or {@code timeout} passes,
   * after starting the unstarted ones. Returns as soon as the condition holds; never throws the
   * futures' failures.
   *
   * @throws IllegalArgumentException (before starting anything) if {@code futures} is empty
   *     or holds null, or if {@code timeout} is negative
   * @throws java.util.concurrent.CancellationException if the waiting thread is interrupted
   */
  static <T extends Future<?>> Waited<T> await(Collection<T> futures, Duration timeout, ReturnWhen when) {
    return Waiting.await(futures, timeout, when);
  }

  /** {@link #await(Collection, Duration, ReturnWhen)} with no timeout. */
  static <T extends Future<?>> Waited<T> await(Collection<T> futures, ReturnWhen when) {
    return Waiting.await(futures, null, when);
  }

  /**
   * What {@link #await} saw: the futures that were done and those that were not, each in the
   * order given.
   */
  record Waited<T>(List<T> done, List<T> notDone) {
    /** Copies both lists. */
    public Waited {
      done = List.copyOf(done);
      notDone = List.copyOf(notDone);
    }
  }
}

package dev.weft;

import dev.weft.engine.Scopes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Structured concurrency for Weft calls and plain work: everything forked into a scope has
 * finished when the scope has closed.
 *
 * <pre>{@code
 * try (AsyncScope scope = AsyncScope.open()) {                 // ExitMode.WAIT, ErrorMode.CANCEL
 *   DelayedResult<String> a = scope.fork(slowEcho.future("one", 1.0));
 *   DelayedResult<String> b = slowEcho.in(scope, "two", 0.1);  // the same, through the handle
 *   DelayedResult<Integer> c = scope.fork(() -> blockingWork());
 * }                                                            // waits for all three
 * }</pre>
 *
 * <p><b>Modes.</b> The {@link ExitMode} says what close does with unfinished forks (wait,
 * cancel, or cancel and fail on results nobody awaited); the {@link ErrorMode} says whether a
 * fork's failure cancels its siblings. Optional limits: a deadline for the whole scope, after
 * which unfinished forks are cancelled and close throws {@link DeadlineExceededException}; and a
 * maximum number of forks that run at once (the rest wait in fork order).
 *
 * <p><b>Failures.</b> A failure is delivered where it is awaited ({@link DelayedResult#block()},
 * {@code value()}, a stage method, or as an input of a Weft call). When the scope closes, every
 * failure nobody awaited is thrown: the first (in completion order) as the primary exception, the
 * others suppressed on it; none is lost and none is reported twice. Forks cancelled by the scope
 * itself are not failures. If the body throws, try-with-resources still closes the scope (its exit
 * mode applies) and adds what close throws to the body's exception as suppressed.
 *
 * <p><b>Cancellation.</b> If the thread sitting in {@link #close()} is interrupted (or was
 * interrupted in the body), the scope cancels its forks, waits for them to finish, and throws
 * {@link java.util.concurrent.CancellationException} with the interrupt status kept: a cancelled
 * scope never returns normally. Cancelling (or timing out) the Weft call whose function opened the
 * scope does the same, sync or async: an async function sitting in {@code close()} on its event
 * loop, where no interrupt reaches it, gets the {@code CancellationException} once the forks have
 * stopped. Cancelling the stage of {@link #closeAsync()} or of {@link #async(Function)} cancels
 * the forks likewise.
 *
 * <p><b>Threads.</b> A scope may be forked into from any thread until it closes; forking into a
 * closed scope is an {@link IllegalStateException}. {@link #close()} blocks (on an event-loop
 * thread it keeps the loop running meanwhile); async code uses {@link #closeAsync()} or
 * {@link #async(Function)}. Forks of plain callables run on virtual threads with the forking
 * function's {@link RequestContext}.
 */
public interface AsyncScope extends AutoCloseable {

  /** Opens a scope with {@link ExitMode#WAIT} and {@link ErrorMode#CANCEL}. */
  static AsyncScope open() {
    return builder().open();
  }

  /** Opens a scope with the given modes. */
  static AsyncScope open(ExitMode exitMode, ErrorMode errorMode) {
    return builder().exitMode(exitMode).errorMode(errorMode).open();
  }

  /** A builder for a scope with a deadline or a concurrency limit. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The non-blocking form for async code: opens a scope with the default modes, runs
   * {@code body} with it, and returns a stage that completes with the body's value once the
   * scope has closed, or with the body's or the forks' failures (the first primary, the rest
   * suppressed). Cancelling the returned stage cancels the forks.
   */
  static <T> CompletionStage<T> async(Function<AsyncScope, ? extends CompletionStage<T>> body) {
    return builder().async(body);
  }

  /**
   * Forks a Weft call (made with {@code fn.future(...)}, unstarted or started): starts it, or
   * queues it under a concurrency limit.
   *
   * @throws IllegalStateException if the scope is closed
   */
  <T> DelayedResult<T> fork(Future<T> call);

  /**
   * Forks blocking work: runs {@code work} on a new virtual thread (with the forking function's
   * request context). Cancelling it interrupts that thread.
   *
   * @throws IllegalStateException if the scope is closed
   */
  <T> DelayedResult<T> fork(Callable<T> work);

  /**
   * Forks non-blocking work: calls {@code work} when the fork starts, on the starting thread,
   * and the fork completes with the stage it returns. Cancelling it cancels that stage.
   *
   * @throws IllegalStateException if the scope is closed
   */
  <T> DelayedResult<T> forkAsync(Callable<? extends CompletionStage<T>> work);

  /**
   * Applies the exit mode, waits until every fork has finished, then throws the failures nobody
   * awaited (see the class comment). Idempotent: a second close does nothing.
   *
   * @throws java.util.concurrent.CancellationException if the closing thread is interrupted, or
   *     the call whose function opened the scope was cancelled or timed out
   * @throws DeadlineExceededException if the deadline passed
   * @throws UnawaitedResultException with {@link ExitMode#RAISE}, for results nobody awaited
   */
  @Override
  void close();

  /**
   * Like {@link #close()} without blocking: the stage completes when every fork has finished,
   * normally or with what {@code close()} would throw. Cancelling it cancels the forks.
   */
  CompletionStage<Void> closeAsync();

  /** The exit mode. */
  ExitMode exitMode();

  /** The error mode. */
  ErrorMode errorMode();

  /** Options of a scope; each setter validates its value. Not thread-safe. */
  final class Builder {
    private ExitMode exitMode = ExitMode.WAIT;
    private ErrorMode errorMode = ErrorMode.CANCEL;
    private Optional<Duration> deadline = Optional.empty();
    private OptionalInt maxConcurrency = OptionalInt.empty();

    private Builder() {}

    /** What close does with unfinished forks; default {@link ExitMode#WAIT}. */
    public Builder exitMode(ExitMode mode) {
      this.exitMode = Objects.requireNonNull(mode, "exitMode");
      return this;
    }

    /** What a failing fork does to its siblings; default {@link ErrorMode#CANCEL}. */
    public Builder errorMode(ErrorMode mode) {
      this.errorMode = Objects.requireNonNull(mode, "errorMode");
      return this;
    }

    /**
     * The longest the scope may stay open, counted from {@link #open()}; default none.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder deadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("a scope deadline must be positive, was " + deadline);
      }
      this.deadline = Optional.of(deadline);
      return this;
    }

    /**
     * How many forks may run at once; the rest wait in fork order. Default: no limit.
     *
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxConcurrency(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + max);
      }
      this.maxConcurrency = OptionalInt.of(max);
      return this;
    }

    /** Opens the scope. */
    public AsyncScope open() {
      return Scopes.open(exitMode, errorMode, deadline, maxConcurrency);
    }

    /** {@link AsyncScope#async(Function)} with these options. */
    public <T> CompletionStage<T> async(Function<AsyncScope, ? extends CompletionStage<T>> body) {
      return Scopes.async(open(), body);
    }
  }
}

package dev.weft.spi;

/**
 * The time a runtime's retries, backoffs, attempt timeouts, {@code Async.delay}s, scope deadlines
 * and timed waits ({@code result(Duration)}, {@code Future.await}, {@code block(Duration)}) follow. {@link #SYSTEM}, the default,
 * is {@link System#nanoTime()} with a timer wheel; a test kit gives a clock that skips ahead
 * ("virtual time") when everything waits on it. Given through
 * {@code WeftRuntime.Builder.clock(...)}.
 * A delay or a scope opened outside any function follows the default runtime's clock, and a wait
 * on a request that another process runs polls its record on the system clock.
 *
 * <p>Implementations are thread-safe: every method is called from many threads at once.
 */
public interface Clock {
  /** The system clock; the runtime then uses its own timer wheel and never calls {@link #schedule}. */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      Thread.sleep(java.time.Duration.ofNanos(nanos));
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      throw new UnsupportedOperationException("the runtime schedules on its own timer with the system clock");
    }

    @Override
    public String toString() {
      return "Clock.SYSTEM";
    }
  };

  /** Now, in nanoseconds from an arbitrary origin; like {@link System#nanoTime()} only differences mean anything. */
  long nanoTime();

  /**
   * Blocks the calling thread for {@code nanos} of this clock's time (a sync function's wait
   * before its next attempt). Throws {@link InterruptedException}, clearing the flag, if the
   * thread is interrupted meanwhile (the call was cancelled).
   */
  void sleep(long nanos) throws InterruptedException;

  /**
   * Runs {@code task} once {@code delayNanos} of this clock's time have passed, on a thread of
   * the clock's choosing that may block (never the caller's), unless cancelled first. Never blocks.
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /**
   * The runtime hands every call's start (and each async retry) through this before it dispatches
   * it to a thread or event loop, so that a virtual clock can count it as work under way until it
   * has run; returns the task to dispatch. The default returns {@code task} itself.
   */
  default Runnable track(Runnable task) {
    return task;
  }

  /** A scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Stops the task if it has not started; idempotent, thread-safe, never blocks. */
    void cancel();
  }
}

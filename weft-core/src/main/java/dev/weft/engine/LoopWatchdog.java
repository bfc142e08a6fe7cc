package dev.weft.engine;

import dev.weft.BlockedEventLoopException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Watches the event loops and reports a task that has run longer than the threshold, with the
 * loop thread's stack at that moment: logged at WARNING, given to the listener, and (if so
 * configured) failing the async call that blocked. Each blocked task is reported once.
 */
final class LoopWatchdog {
  private final EventLoop[] loops;
  private final long thresholdNanos;
  private final boolean failCalls;
  private final Consumer<BlockedEventLoopException> listener;
  /** Told of each report; null when nothing observes the runtime. */
  private final dev.weft.observe.WeftObserver observer;
  private final long[] reported;
  private final Thread thread;
  private volatile boolean stopped;

  LoopWatchdog(EventLoop[] loops, Duration threshold, boolean failCalls,
      Consumer<BlockedEventLoopException> listener, dev.weft.observe.WeftObserver observer) {
    this.loops = loops;
    this.thresholdNanos = threshold.toNanos();
    this.failCalls = failCalls;
    this.listener = listener;
    this.observer = observer;
    this.reported = new long[loops.length];
    java.util.Arrays.fill(reported, -1);
    this.thread = Threads.startDaemon("weft-watchdog", this::watch);
  }

  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  private void watch() {
    long period = Math.max(thresholdNanos / 4, 1_000_000L);
    while (!stopped) {
      LockSupport.parkNanos(this, period);
      long now = System.nanoTime();
      for (int i = 0; i < loops.length; i++) {
        EventLoop loop = loops[i];
        long since = loop.busySince();
        long task = loop.taskCount();
        if (since != 0 && now - since > thresholdNanos && reported[i] != task) {
          reported[i] = task;
          report(loop, now - since);
        }
      }
    }
  }

  private void report(EventLoop loop, long blockedNanos) {
    CallFuture<?> call = loop.blocking();
    String message = loop.thread().getName() + " was blocked for " + blockedNanos / 1_000_000
        + " ms (threshold " + thresholdNanos / 1_000_000 + " ms)"
        + (call != null ? " by async function " + call.functionName() : "")
        + "; async functions must not block: compose stages, or move blocking work to a sync function";
    BlockedEventLoopException report = new BlockedEventLoopException(message, loop.thread().getStackTrace(), loop.thread().getName());
    Threads.log().log(Level.WARNING, message, report);
    if (observer != null) {
      try {
        observer.loopBlocked(loop.thread().getName(), Duration.ofNanos(blockedNanos));
      } catch (Throwable t) {
        Threads.log().log(Level.ERROR, "observer failed on a blocked-loop report", t);
      }
    }
    try {
      listener.accept(report);
    } catch (Throwable t) {
      Threads.log().log(Level.ERROR, "blocked-loop listener failed", t);
    }
    if (failCalls && call != null) {
      call.failBlocked(report);
    }
  }
}

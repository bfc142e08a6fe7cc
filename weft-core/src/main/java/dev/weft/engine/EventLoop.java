package dev.weft.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * One platform thread that runs tasks in order: where async functions are invoked. A task must
 * not block; the {@link LoopWatchdog} reports one that does. Thread-safe.
 */
final class EventLoop implements Executor {
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();
  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  /** System.nanoTime() when the running task started, or 0 when idle. */
  private volatile long busySince;
  /** Counts tasks, so the watchdog reports each blocked task once. */
  private volatile long taskCount;
  /** The async call whose function is being invoked now, if any. */
  private volatile CallFuture<?> invoking;
  private volatile CallFuture<?> outermost;
  private volatile boolean stopped;

  EventLoop(String name) {
    this.thread = Threads.startDaemon(name, this::loop);
  }

  /** The loop whose thread this is, or null. */
  static EventLoop current() {
    return CURRENT.get();
  }

  @Override
  public void execute(Runnable task) {
    if (stopped) {
      throw new RejectedExecutionException(thread.getName() + " is stopped");
    }
    queue.add(task);
  }

  void stop() {
    stopped = true;
    queue.add(STOP);
  }

  Thread thread() {
    return thread;
  }

  long busySince() {
    return busySince;
  }

  long taskCount() {
    return taskCount;
  }

  /** Tasks waiting in this loop's queue now. */
  int queued() {
    return queue.size();
  }

  CallFuture<?> invoking() {
    return invoking;
  }

  /**
   * The outermost async call being invoked by the running task: the one that blocks the loop
   * when calls are invoked nested inside a blocking wait.
   */
  CallFuture<?> blocking() {
    return outermost;
  }

  void invoking(CallFuture<?> call) {
    if (invoking == null || call == null) {
      outermost = call;
    }
    invoking = call;
  }

  /**
   * Runs this loop's queued tasks on the calling thread (which must be this loop's) until
   * {@code done} completes or {@code deadlineNanos} (a System.nanoTime() value) passes. This is
   * what a blocking wait on a loop thread does instead of deadlocking: the work it waits for may
   * be queued right here. The wait still counts as blocking for the watchdog.
   */
  void runUntil(java.util.concurrent.CompletableFuture<?> done, long deadlineNanos) throws InterruptedException {
    while (!done.isDone()) {
      long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Runnable task = queue.poll(Math.min(left, 1_000_000L), java.util.concurrent.TimeUnit.NANOSECONDS);
      if (task == STOP) {
        queue.add(STOP); // let the outer loop see it
        return;
      }
      if (task != null) {
        try {
          task.run();
        } catch (Throwable t) {
          Threads.log().log(System.Logger.Level.ERROR, "task failed on " + thread.getName(), t);
        }
      }
    }
  }

  private void loop() {
    CURRENT.set(this);
    while (true) {
      Runnable task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
        continue; // an interrupt aimed at a finished task; the loop itself goes on
      }
      if (task == STOP) {
        return;
      }
      taskCount++;
      busySince = System.nanoTime() | 1;
      try {
        task.run();
      } catch (Throwable t) {
        Threads.log().log(System.Logger.Level.ERROR, "task failed on " + thread.getName(), t);
      } finally {
        busySince = 0;
        Thread.interrupted(); // a task's interrupt must not leak into the next task
      }
    }
  }
}

package dev.weft.test;

import dev.weft.spi.Clock;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Virtual time for one test's runtime: it runs with real time while a function body works, and
 * skips ahead to the next retry, backoff or timeout as soon as every running attempt waits (on
 * a child call, on a lock, on the clock itself) and nothing has happened for a moment. So a
 * function with {@code retries = 5} and a 60 s backoff finishes in milliseconds, while an attempt
 * that computes past its timeout is still timed out (in real time), and one that blocks forever
 * is timed out at once.
 *
 * <p>An attempt blocked on I/O (a socket, a process) counts as waiting too, and time skips past it:
 * stub such calls in tests that run on virtual time. {@code Async.delay}, scope deadlines and timed
 * waits ({@code result(Duration)}, {@code Future.await}, {@code block(Duration)}) made inside the
 * test's runtime follow this clock too, as does {@code result(Duration)} on one of its requests.
 *
 * <p>Thread-safe. One thread of its own (a daemon) fires what is due; {@link #close()} stops it.
 */
public final class VirtualClock implements Clock, AutoCloseable {
  /** How long (real time) nothing must happen before time skips ahead. */
  private static final long QUIET_NANOS = 2_000_000L;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Entry> pending = new PriorityQueue<>();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong activity = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  /** Threads running an attempt now (as told by the kit's observer). */
  private final Map<Object, Thread> working = new ConcurrentHashMap<>();
  /** Tasks fired and not yet finished, and sleepers woken and not yet returned. */
  private final AtomicLong inFlight = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  /** Starts the clock at the system's time; it then runs on with it, plus whatever it skipped. */
  public VirtualClock() {
    this.thread = Thread.ofPlatform().daemon().name("weft-virtual-clock").start(this::run);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime() + skipped.get();
  }

  /** How much time this clock has skipped so far. */
  public Duration skipped() {
    return Duration.ofNanos(skipped.get());
  }

  /** Moves this clock {@code by} ahead now, firing whatever falls due; for tests of deadlines. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back: advance by a positive duration, not " + by);
    }
    skipped.addAndGet(by.toNanos());
    poke();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    CountDownLatch woken = new CountDownLatch(1);
    Entry e = add(woken::countDown, nanos, true);
    try {
      woken.await();
    } catch (InterruptedException ie) {
      e.cancel();
      throw ie;
    } finally {
      if (e.fired()) {
        inFlight.decrementAndGet();
      }
      poke();
    }
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    return add(task, delayNanos, false);
  }

  /** Counts {@code task} as work under way from now until it ends, and its thread as working while it runs. */
  @Override
  public Runnable track(Runnable task) {
    Object token = new Object();
    inFlight.incrementAndGet();
    activity.incrementAndGet();
    return () -> {
      working.put(token, Thread.currentThread());
      inFlight.decrementAndGet();
      try {
        task.run();
      } finally {
        working.remove(token);
        poke();
      }
    };
  }

  /** The kit's observer: an attempt starts (on this thread) or ends. */
  void attemptStarted(Object attempt, Thread t) {
    working.put(attempt, t);
    poke();
  }

  void attemptEnded(Object attempt) {
    working.remove(attempt);
    poke();
  }

  @Override
  public void close() {
    closed = true;
    poke();
  }

  private Entry add(Runnable task, long delayNanos, boolean wake) {
    Entry e = new Entry(task, nanoTime() + Math.max(0, delayNanos), sequence.incrementAndGet(), wake);
    lock.lock();
    try {
      pending.add(e);
      activity.incrementAndGet();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return e;
  }

  private void poke() {
    activity.incrementAndGet();
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long quietSince = 0;
    long seen = -1;
    while (!closed) {
      Entry due = null;
      lock.lock();
      try {
        Entry head = pending.peek();
        if (head == null) {
          changed.awaitUninterruptibly();
          continue;
        }
        if (head.cancelled()) {
          pending.poll();
          continue;
        }
        long wait = head.deadline - nanoTime();
        if (wait <= 0) {
          due = pending.poll();
        } else {
          long now = System.nanoTime();
          long a = activity.get();
          if (a != seen || !idle()) {
            seen = a;
            quietSince = now;
          } else if (now - quietSince >= QUIET_NANOS) {
            skipped.addAndGet(wait); // everything waits: jump to the next deadline
            continue;
          }
          try {
            changed.awaitNanos(Math.min(wait, QUIET_NANOS / 2));
          } catch (InterruptedException e) {
            return;
          }
        }
      } finally {
        lock.unlock();
      }
      if (due != null) {
        fire(due);
      }
    }
  }

  private void fire(Entry e) {
    if (!e.claim()) {
      return; // cancelled just now
    }
    inFlight.incrementAndGet();
    activity.incrementAndGet();
    if (e.wake) {
      e.task.run(); // the sleeper counts itself out when it returns
      return;
    }
    Thread.ofVirtual().name("weft-virtual-timer").start(() -> {
      try {
        e.task.run();
      } finally {
        inFlight.decrementAndGet();
        poke();
      }
    });
  }

  /** Whether nothing but waiting goes on: no task or woken sleeper under way, every attempt's thread parked. */
  private boolean idle() {
    if (inFlight.get() > 0) {
      return false;
    }
    for (Thread t : working.values()) {
      Thread.State s = t.getState();
      if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING && s != Thread.State.TERMINATED) {
        return false;
      }
    }
    return true;
  }

  private static final class Entry implements Comparable<Entry>, Cancellable {
    final Runnable task;
    final long deadline;
    final long order;
    final boolean wake;
    /** 0 pending, 1 fired, 2 cancelled. */
    private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();

    Entry(Runnable task, long deadline, long order, boolean wake) {
      this.task = task;
      this.deadline = deadline;
      this.order = order;
      this.wake = wake;
    }

    @Override
    public void cancel() {
      state.compareAndSet(0, 2);
    }

    boolean claim() {
      return state.compareAndSet(0, 1);
    }

    boolean fired() {
      return state.get() == 1;
    }

    boolean cancelled() {
      return state.get() == 2;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(deadline - o.deadline, 0);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  @Override
  public String toString() {
    return "VirtualClock[skipped " + skipped() + "]";
  }
}

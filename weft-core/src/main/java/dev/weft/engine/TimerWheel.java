package dev.weft.engine;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Timeouts and retry delays for very many calls at little cost: a hashed wheel (as in Netty's
 * {@code HashedWheelTimer}) of 10 ms ticks. Scheduling is a lock-free queue offer and
 * cancelling is a flag, so a million running calls, each with a timeout, cost a million small
 * objects and no lock; a timeout cancelled within a tick never reaches the wheel. Fired tasks
 * run on a new virtual thread, never on the timer thread. Precision is one tick.
 */
final class TimerWheel {
  private static final long TICK_NANOS = 10_000_000L;
  private static final int SLOTS = 512;
  private static final int MASK = SLOTS - 1;

  private final ConcurrentLinkedQueue<Timeout> incoming = new ConcurrentLinkedQueue<>();
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Timeout>[] wheel = new ArrayDeque[SLOTS];
  private final long start = System.nanoTime();
  /** Null with the system clock; else the clock that schedules instead of this wheel (which then has no thread). */
  private final dev.weft.spi.Clock clock;
  private final Thread thread;
  private volatile boolean stopped;
  private long tick;

  TimerWheel() {
    this(dev.weft.spi.Clock.SYSTEM);
  }

  TimerWheel(dev.weft.spi.Clock clock) {
    if (clock != dev.weft.spi.Clock.SYSTEM) {
      this.clock = clock;
      this.thread = null;
      return;
    }
    this.clock = null;
    for (int i = 0; i < SLOTS; i++) {
      wheel[i] = new ArrayDeque<>();
    }
    this.thread = Threads.startDaemon("weft-timer", this::run);
  }

  /** Runs {@code task} on a virtual thread after about {@code delayNanos}, unless cancelled. */
  Timeout schedule(Runnable task, long delayNanos) {
    if (clock != null) {
      return new Timeout(clock.schedule(task, Math.max(0, delayNanos)));
    }
    Timeout t = new Timeout(task, System.nanoTime() + Math.max(0, delayNanos));
    incoming.add(t);
    return t;
  }

  void stop() {
    stopped = true;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!stopped) {
      long deadline = start + (tick + 1) * TICK_NANOS;
      long wait;
      while ((wait = deadline - System.nanoTime()) > 0 && !stopped) {
        LockSupport.parkNanos(this, wait);
      }
      transferIncoming();
      expire(wheel[(int) (tick & MASK)]);
      tick++;
    }
  }

  private void transferIncoming() {
    for (int i = 0; i < 1_000_000; i++) {
      Timeout t = incoming.poll();
      if (t == null) {
        return;
      }
      if (t.cancelled) {
        continue;
      }
      long ticks = Math.max(tick, (t.deadline - start + TICK_NANOS - 1) / TICK_NANOS);
      t.rounds = (ticks - tick) / SLOTS;
      wheel[(int) (ticks & MASK)].add(t);
    }
  }

  private static void expire(ArrayDeque<Timeout> slot) {
    for (Iterator<Timeout> it = slot.iterator(); it.hasNext(); ) {
      Timeout t = it.next();
      if (t.cancelled) {
        it.remove();
      } else if (t.rounds > 0) {
        t.rounds--;
      } else {
        it.remove();
        Threads.startCall(t.task);
      }
    }
  }

  /** A scheduled task; {@link #cancel()} stops it if it has not fired. Thread-safe. */
  static final class Timeout {
    private final Runnable task;
    private final long deadline;
    private long rounds;
    private volatile boolean cancelled;
    /** What the clock scheduled instead, or null on the wheel. */
    private final dev.weft.spi.Clock.Cancellable elsewhere;

    private Timeout(Runnable task, long deadline) {
      this.task = task;
      this.deadline = deadline;
      this.elsewhere = null;
    }

    private Timeout(dev.weft.spi.Clock.Cancellable elsewhere) {
      this.task = null;
      this.deadline = 0;
      this.elsewhere = elsewhere;
    }

    void cancel() {
      cancelled = true;
      if (elsewhere != null) {
        elsewhere.cancel();
      }
    }
  }
}

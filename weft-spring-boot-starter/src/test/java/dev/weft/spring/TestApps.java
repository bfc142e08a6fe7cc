package dev.weft.spring;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.journal.ForwardingJournal;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Beans the tests put in their contexts: applications and functions as a Spring user writes them. */
final class TestApps {
  private TestApps() {}

  /** A function bean, called by {@link Orders} through a handle. */
  static class Steps {
    @Function
    int reserve(int quantity) {
      return quantity * 10;
    }
  }

  /** An application bean with an injected dependency. */
  static class Orders {
    private final Steps steps;

    Orders(Steps steps) {
      this.steps = steps;
    }

    @Application(description = "reserves stock for an order") @Function
    int place(int quantity) {
      return Weft.fn(steps::reserve).call(quantity) + 1;
    }
  }

  /** An application that always fails (its failure is logged). */
  static class Failing {
    @Application @Function
    int fail(int quantity) {
      throw new IllegalArgumentException("no stock for " + quantity);
    }
  }

  /** An application whose first run waits at {@link #gate} after one journaled step: a request in flight. */
  static class Held {
    static final AtomicInteger STEP_RUNS = new AtomicInteger();
    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile CountDownLatch gate = new CountDownLatch(1);

    static void reset() {
      STEP_RUNS.set(0);
      RUNS.set(0);
      gate = new CountDownLatch(1);
    }

    @Function
    int step(int x) {
      STEP_RUNS.incrementAndGet();
      return x + 1;
    }

    @Application @Function
    int hold(int x) throws InterruptedException {
      int a = Weft.fn(this::step).call(x);
      if (RUNS.incrementAndGet() == 1) {
        gate.await(30, TimeUnit.SECONDS);
      }
      return a * 100;
    }
  }

  /**
   * An in-memory journal that reports it cannot record, as a SQLite journal on a full disk does
   * (whose fault seam is private to weft-sqlite).
   */
  record UnwritableJournal(Journal delegate) implements ForwardingJournal {
    UnwritableJournal() {
      this(new InMemoryJournal());
    }

    @Override
    public boolean canWrite() {
      return false;
    }
  }
}

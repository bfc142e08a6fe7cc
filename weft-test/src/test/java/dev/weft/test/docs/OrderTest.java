package dev.weft.test.docs;

/* The opening example of docs/TESTING.md, as it is there. */
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.test.TestWeft;
import dev.weft.test.WeftTest;
import org.junit.jupiter.api.Test;

@WeftTest
class OrderTest {
  @Function
  static String reserve(String item) { return "reserved " + item; }

  @Function(retries = 5, backoff = @Backoff(initial = "60s", multiplier = 1.0, max = "60s", jitter = 0))
  static String charge(String item) { return "charged " + item; }

  @Application
  @Function(timeout = "1h")
  static String order(String item) {
    return Weft.fn(OrderTest::reserve).call(item) + ", " + Weft.fn(OrderTest::charge).call(item);
  }

  @Test
  void aChargeThatFailsFiveTimes_stillGoesThrough(TestWeft weft) {
    weft.failFirst(Weft.fn(OrderTest::charge), 5, () -> new IllegalStateException("card network down"));

    // five 60 s backoffs: milliseconds of wall time, the clock skips them
    assertEquals("reserved book, charged book", weft.run(Weft.fn(OrderTest::order), "book"));

    weft.assertThat(Weft.fn(OrderTest::charge)).calledTimes(1).attempted(6).failedAttempts(5);
    weft.assertThat(Weft.fn(OrderTest::reserve)).calledWith("book");
  }

  @Test
  void aCrashDuringTheCharge_doesNotReserveTwice(TestWeft weft) {
    String id = weft.runUntil(Weft.fn(OrderTest::charge), Weft.fn(OrderTest::order), "lamp");

    assertEquals("reserved lamp, charged lamp", weft.restartAndResume(Weft.fn(OrderTest::order), id));

    weft.assertThat(Weft.fn(OrderTest::reserve)).neverRan(); // its output came from the journal
    weft.assertThat(Weft.fn(OrderTest::charge)).calledTimes(1);
  }
}

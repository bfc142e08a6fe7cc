package dev.weft.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.FunctionTimeoutException;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

@WeftTest
final class TestWeftTest {
  // ---- an application to test: an order reserves stock, charges the card, then ships

  @Function
  static String reserve(String item) {
    return "reserved " + item;
  }

  @Function(retries = 5, backoff = @Backoff(initial = "60s", multiplier = 1.0, max = "60s", jitter = 0))
  static String charge(String item) {
    return "charged " + item;
  }

  @Function
  static String ship(String item) {
    return "shipped " + item;
  }

  @Application(description = "reserves, charges and ships one item")
  @Function(timeout = "1h")
  static String order(String item) {
    String r = Weft.fn(TestWeftTest::reserve).call(item);
    String c = Weft.fn(TestWeftTest::charge).call(item);
    String s = Weft.fn(TestWeftTest::ship).call(item);
    return r + ", " + c + ", " + s;
  }

  @Test
  void run_fiveRetriesWithSixtySecondBackoffs_finishInMilliseconds(TestWeft weft) {
    weft.failFirst(Weft.fn(TestWeftTest::charge), 5, () -> new IllegalStateException("card network down"));

    long started = System.nanoTime();
    String out = weft.run(Weft.fn(TestWeftTest::order), "book");
    Duration wall = Duration.ofNanos(System.nanoTime() - started);

    System.out.println("5 retries with 60 s backoffs: " + wall.toMillis() + " ms of wall time, "
        + weft.clock().skipped().toSeconds() + " s skipped");
    assertEquals("reserved book, charged book, shipped book", out);
    weft.assertThat(Weft.fn(TestWeftTest::charge)).calledTimes(1).attempted(6).failedAttempts(5)
        .failedWith(IllegalStateException.class);
    assertTrue(weft.clock().skipped().compareTo(Duration.ofMinutes(4)) >= 0, "skipped " + weft.clock().skipped());
    assertTrue(wall.compareTo(Duration.ofSeconds(5)) < 0, "took " + wall);
  }

  @Test
  void calls_afterARequest_listWhatRanInOrder(TestWeft weft) {
    weft.run(Weft.fn(TestWeftTest::order), "pen");

    assertEquals(List.of("TestWeftTest.order", "TestWeftTest.reserve", "TestWeftTest.charge", "TestWeftTest.ship"),
        weft.calls());
    weft.assertThat(Weft.fn(TestWeftTest::ship)).calledTimes(1).calledWith("pen").failedAttempts(0);
  }

  @Test
  void fake_replacesTheBody(TestWeft weft) {
    weft.fake(Weft.fn(TestWeftTest::charge), item -> "pretend-charged " + item);

    assertEquals("reserved cup, pretend-charged cup, shipped cup", weft.run(Weft.fn(TestWeftTest::order), "cup"));
    weft.assertThat(Weft.fn(TestWeftTest::charge)).calledWith("cup");
  }

  @Test
  void run_withoutAFake_runsTheRealBody(TestWeft weft) {
    assertEquals("reserved cup, charged cup, shipped cup", weft.run(Weft.fn(TestWeftTest::order), "cup"));
  }

  @Function(timeout = "10m", retries = 1, backoff = @Backoff(initial = "1s", jitter = 0))
  static String slowPartner(String x) {
    return "answer to " + x;
  }

  @Application
  @Function(timeout = "1h")
  static String askPartner(String x) {
    return Weft.fn(TestWeftTest::slowPartner).call(x);
  }

  @Test
  void timeOutFirst_tenMinuteTimeout_endsTheAttemptAtOnce(TestWeft weft) {
    weft.timeOutFirst(Weft.fn(TestWeftTest::slowPartner), 1);

    assertEquals("answer to q", weft.run(Weft.fn(TestWeftTest::askPartner), "q"));
    weft.assertThat(Weft.fn(TestWeftTest::slowPartner)).attempted(2).failedAttempts(1)
        .failedWith(FunctionTimeoutException.class);
    assertTrue(weft.clock().skipped().compareTo(Duration.ofMinutes(10)) >= 0, "skipped " + weft.clock().skipped());
  }

  @Function(timeout = "1s")
  static long spin(long x) {
    long n = x;
    while (!Thread.currentThread().isInterrupted()) {
      n = n * 31 + 7; // computes until the timeout interrupts it
    }
    return n;
  }

  @Application
  @Function
  static long spinApp(long x) {
    return Weft.fn(TestWeftTest::spin).call(x);
  }

  @Test
  void virtualTime_attemptComputingPastItsTimeout_isTimedOut(TestWeft weft) {
    assertThrows(RuntimeException.class, () -> weft.run(Weft.fn(TestWeftTest::spinApp), 3L));
    weft.assertThat(Weft.fn(TestWeftTest::spin)).attempted(1).failedWith(FunctionTimeoutException.class);
  }

  @Function(timeout = "1s")
  static long computeFor(long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long n = 0;
    while (System.nanoTime() - end < 0) {
      n++; // works (in real time) well within its timeout
    }
    return n > 0 ? millis : -1;
  }

  @Application
  @Function
  static long computeApp(long millis) {
    return Weft.fn(TestWeftTest::computeFor).call(millis);
  }

  @Test
  void virtualTime_attemptComputingWithinItsTimeout_isNotSkippedPast(TestWeft weft) {
    assertEquals(300L, weft.run(Weft.fn(TestWeftTest::computeApp), 300L));
    weft.assertThat(Weft.fn(TestWeftTest::computeFor)).attempted(1).failedAttempts(0);
  }

  @Function(retries = 3, backoff = @Backoff(initial = "30s", multiplier = 1.0, max = "30s", jitter = 0))
  static CompletionStage<String> fetch(String key) {
    return CompletableFuture.completedFuture("fetched " + key);
  }

  @Application
  @Function(timeout = "1h")
  static String fetchApp(String key) {
    return Weft.asyncFn(TestWeftTest::fetch).call(key);
  }

  @Test
  void failFirst_asyncFunction_retriesOnVirtualTime(TestWeft weft) {
    weft.failFirst(Weft.asyncFn(TestWeftTest::fetch), 3, () -> new IllegalStateException("503"));

    assertEquals("fetched k", weft.run(Weft.fn(TestWeftTest::fetchApp), "k"));
    weft.assertThat(Weft.asyncFn(TestWeftTest::fetch)).calledTimes(1).attempted(4).failedAttempts(3);
    assertTrue(weft.clock().skipped().compareTo(Duration.ofSeconds(80)) >= 0, "skipped " + weft.clock().skipped());
  }

  // ---- a reduce: which steps ran, in which order

  @Function
  static int add(int a, int b) {
    return a + b;
  }

  @Application
  @Function
  static Future<Integer> sum(List<Integer> xs) {
    return Weft.fn(TestWeftTest::add).reduce(xs, 0);
  }

  @Test
  void calledInOrderWith_reduce_seesTheStepsInTurn(TestWeft weft) {
    assertEquals(6, weft.run(Weft.asyncFn(TestWeftTest::sum), List.of(1, 2, 3)));
    weft.assertThat(Weft.fn(TestWeftTest::add)).calledTimes(3)
        .calledInOrderWith(List.of(0, 1), List.of(1, 2), List.of(3, 3));
  }

  // ---- async functions

  @Function
  static CompletionStage<String> lookUp(String key) {
    return CompletableFuture.completedFuture("real " + key);
  }

  @Application
  @Function
  static String lookUpApp(String key) {
    return Weft.asyncFn(TestWeftTest::lookUp).call(key);
  }

  @Test
  void fake_asyncFunction_mayReturnThePlainValue(TestWeft weft) {
    weft.fake(Weft.asyncFn(TestWeftTest::lookUp).name(), args -> "fake " + args[0]);
    assertEquals("fake k", weft.run(Weft.fn(TestWeftTest::lookUpApp), "k"));
  }

  // ---- crash and resume

  @Test
  void runUntil_thenRestartAndResume_runsAgainOnlyCallsWithoutJournaledOutput(TestWeft weft) {
    String requestId = weft.runUntil(Weft.fn(TestWeftTest::charge), Weft.fn(TestWeftTest::order), "lamp");
    weft.assertThat(Weft.fn(TestWeftTest::reserve)).calledTimes(1);

    String out = weft.restartAndResume(Weft.fn(TestWeftTest::order), requestId);

    assertEquals("reserved lamp, charged lamp, shipped lamp", out);
    System.out.println("after the crash, the resumed request ran: " + weft.calls());
    weft.assertThat(Weft.fn(TestWeftTest::reserve)).neverRan(); // its output came from the journal
    weft.assertThat(Weft.fn(TestWeftTest::charge)).calledTimes(1);
    weft.assertThat(Weft.fn(TestWeftTest::ship)).calledTimes(1);
  }

  @Test
  void runUntil_callThatNeverComes_failsSayingSo(TestWeft weft) {
    AssertionError e = assertThrows(AssertionError.class,
        () -> weft.runUntil(Weft.fn(TestWeftTest::add), Weft.fn(TestWeftTest::order), "x"));
    assertTrue(e.getMessage().contains("without calling TestWeftTest.add"), e.getMessage());
  }

  // ---- isolation and errors

  @Test
  void parameters_inOneTest_areOneRuntime_neverTheDefault(TestWeft weft, WeftRuntime runtime, VirtualClock clock) {
    assertSame(weft.runtime(), runtime);
    assertSame(weft.clock(), clock);
    assertNotSame(WeftRuntime.defaultRuntime(), runtime);
  }

  @Test
  void assertThat_failing_listsWhatRan(TestWeft weft) {
    weft.run(Weft.fn(TestWeftTest::order), "mug");
    AssertionError e = assertThrows(AssertionError.class,
        () -> weft.assertThat(Weft.fn(TestWeftTest::ship)).calledTimes(2));
    assertTrue(e.getMessage().contains("called 2 time(s), but it was called 1"), e.getMessage());
    assertTrue(e.getMessage().contains("TestWeftTest.ship[mug] attempt 1 SUCCEEDED"), e.getMessage());
  }

  @Test
  void assertThat_notAHandle_saysWhatToPass(TestWeft weft) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> weft.assertThat(42));
    assertTrue(e.getMessage().contains("Weft.fn(Type::method)"), e.getMessage());
  }
}

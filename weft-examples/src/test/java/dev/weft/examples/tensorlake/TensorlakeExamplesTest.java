package dev.weft.examples.tensorlake;

import static dev.weft.examples.ExampleOutput.elapsedMs;
import static dev.weft.examples.ExampleOutput.lastLine;
import static dev.weft.examples.ExampleOutput.lines;
import static dev.weft.examples.ExampleOutput.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.BlockedEventLoopException;
import dev.weft.WeftRuntime;
import dev.weft.examples.Example;
import dev.weft.examples.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Runs each Tensorlake example (scenarios T1..T10) and checks what it printed. */
final class TensorlakeExamplesTest {

  /** Each timed example's calls sleep this long, in parallel. */
  private static final long SLEEP_MS = 300;
  /** Generous on a loaded two-core machine; a sequential run would take at least 600 ms. */
  private static final long PARALLEL_BOUND_MS = 600;


  @Test
  void t1_greet_awaitsCapitalize() throws Exception {
    assertThat(lastLine(run(new T1Greet()))).isEqualTo("Hello, WORLD!");
  }

  @Test
  void t2_backgroundTask_isAwaitedLater() throws Exception {
    assertThat(lastLine(run(new T2BackgroundTask()))).isEqualTo("42");
  }

  @Test
  void t3_gather_runsInParallel() throws Exception {
    List<String> lines = run(new T3Gather());

    assertThat(lastLine(lines))
        .isEqualTo("Hello, WORLD! Why did world cross the road? To get to the other side!");
    assertThat(elapsedMs(lines)).isBetween(SLEEP_MS, PARALLEL_BOUND_MS - 1);
  }

  @Test
  void t4_mapReduce_sumsTheDoubles() throws Exception {
    assertThat(lastLine(run(new T4MapReduce()))).isEqualTo("20");
  }

  @Test
  void t5_futuresAsInputs_runInParallel() throws Exception {
    List<String> lines = run(new T5FuturesAsInputs());

    assertThat(lastLine(lines)).isEqualTo("14");
    assertThat(elapsedMs(lines)).isBetween(SLEEP_MS, PARALLEL_BOUND_MS - 1);
  }

  @Test
  void t6_tailCall_startsAfterTheApplicationReturned() throws Exception {
    List<String> lines = run(new T6TailCall());

    assertThat(lines).contains("myApp returned before twice started: true");
    assertThat(lastLine(lines)).isEqualTo("14");
  }

  @Test
  void t7_asyncCallsSync_allVariantsAgreeWithoutBlockingTheLoop() {
    List<BlockedEventLoopException> reports = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (WeftRuntime runtime = WeftRuntime.builder().onBlockedLoop(reports::add).build();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      T7AsyncCallsSync.run(out, runtime);
    }
    List<String> lines = lines(bytes);

    assertThat(lines).containsExactly("await: 10", "tail call: 10", "background task: 10", "10");
    assertThat(reports).isEmpty();
  }

  @Test
  void t7_asyncCallsSync_onTheDefaultRuntime() throws Exception {
    assertThat(lastLine(run(new T7AsyncCallsSync()))).isEqualTo("10");
  }

  @Test
  void t8_syncCallsAsync_waitsOnFutures() throws Exception {
    assertThat(lastLine(run(new T8SyncCallsAsync()))).isEqualTo("15");
  }

  @Test
  void t9_wrappedFuture_isAUsageErrorSayingWhatToDo() throws Exception {
    List<String> lines = run(new T9WrappedFuture());

    // The wording belongs to weft-core; check the parts a reader needs.
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1))
        .startsWith("T9WrappedFuture.twiceEach returned a List holding a future (at [0])")
        .contains("tail call")
        .contains("map");
    assertThat(lastLine(lines))
        .startsWith("T9WrappedFuture.addPair: argument 1 holds a future inside a record Pair (at .left)")
        .contains("pass it as its own argument");
  }

  @Test
  void t10_mixedItems_mapAndReduceResolveEveryFuture() throws Exception {
    List<String> lines = run(new T10MixedItems());

    assertThat(lines).containsExactly(
        "items mixing values and futures: 20", "a future of a list: 20", "20");
  }

  @Test
  void examples_areAllRegistered() {
    assertThat(Examples.all())
        .extracting(Example::getClass)
        .contains(T1Greet.class, T2BackgroundTask.class, T3Gather.class, T4MapReduce.class,
            T5FuturesAsInputs.class, T6TailCall.class, T7AsyncCallsSync.class,
            T8SyncCallsAsync.class, T9WrappedFuture.class, T10MixedItems.class);
    assertThat(Examples.find("t10")).get().isInstanceOf(T10MixedItems.class);
  }




}

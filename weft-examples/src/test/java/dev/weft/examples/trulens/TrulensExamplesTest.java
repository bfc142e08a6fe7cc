package dev.weft.examples.trulens;

import static dev.weft.examples.ExampleOutput.lastLine;
import static dev.weft.examples.ExampleOutput.lines;
import static dev.weft.examples.ExampleOutput.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.weft.BlockedEventLoopException;
import dev.weft.WeftRuntime;
import dev.weft.examples.Example;
import dev.weft.examples.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Runs each TruLens asynchro example (scenarios B1..B3) and checks what it printed. */
final class TrulensExamplesTest {

  @Test
  void b1_sync_returnsTheValueFromBlockingCodeAndOnAnEventLoop() {
    // A deadlock on the event loop would hang; fail instead.
    List<String> lines = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(new B1Sync()));

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("blocking code \\(.+\\): 42");
    assertThat(lines.get(1)).matches("event loop \\(weft-loop-\\d+\\): 42");
    assertThat(lastLine(lines)).isEqualTo("42");
  }

  @Test
  void b2_desync_runsTheBlockingWorkOffTheLoopWithoutBlockingIt() {
    List<BlockedEventLoopException> reports = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (WeftRuntime runtime = WeftRuntime.builder().onBlockedLoop(reports::add).build();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      B2Desync.run(out, runtime);
    }
    List<String> lines = lines(bytes);

    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("caller: weft-loop-\\d+");
    assertThat(lines.get(1)).isEqualTo("blocking work ran on: weft-call");
    assertThat(lines.get(2)).isEqualTo("different threads: true");
    assertThat(lastLine(lines)).isEqualTo("49");
    assertThat(reports).isEmpty();
  }

  @Test
  void b2_desync_onTheDefaultRuntime() throws Exception {
    assertThat(lastLine(run(new B2Desync()))).isEqualTo("49");
  }

  @Test
  void b3_detection_seesThroughWrappersAndProxies() throws Exception {
    assertThat(run(new B3Detection())).containsExactly(
        "async function handle: async",
        "sync function handle: sync",
        "wrapper around the async handle: async",
        "wrapper around a wrapper around it: async",
        "proxy whose handler wraps the async handle: async",
        "proxy whose handler wraps the sync handle: sync",
        "proxy of an interface returning a stage: async",
        "lambda of that interface: async",
        "callable whose call() returns a stage: async",
        "sync callable: sync",
        "10 of 10 as expected");
  }

  @Test
  void examples_areAllRegistered() {
    assertThat(Examples.all())
        .extracting(Example::getClass)
        .contains(B1Sync.class, B2Desync.class, B3Detection.class);
    assertThat(Examples.find("b3")).get().isInstanceOf(B3Detection.class);
  }



}

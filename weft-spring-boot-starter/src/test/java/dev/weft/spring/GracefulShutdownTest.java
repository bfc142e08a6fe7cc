package dev.weft.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A request in flight when the context closes: finished within weft.shutdown-timeout, or resumed at the next start. */
final class GracefulShutdownTest {
  @TempDir
  Path data;

  @BeforeEach
  void reset() {
    TestApps.Held.reset();
  }

  @AfterEach
  void release() {
    TestApps.Held.gate.countDown();
  }

  private ApplicationContextRunner runner(String shutdownTimeout) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class))
        .withBean("held", TestApps.Held.class)
        .withPropertyValues("weft.data-dir=" + data, "weft.server.port=0", "weft.shutdown-timeout=" + shutdownTimeout);
  }

  @Test
  void close_requestEndingWithinTheTimeout_isFinishedBeforeTheContextCloses() {
    Request<?>[] inFlight = new Request<?>[1];
    runner("30s").run(context -> {
      TestApps.Held held = context.getBean(TestApps.Held.class);
      inFlight[0] = context.getBean(WeftRuntime.class).submit(Weft.fn(held::hold), 1);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.Held.STEP_RUNS.get() == 1);
      WeftLifecycle lifecycle = context.getBean(WeftLifecycle.class);
      // The request may end only once shutdown has begun: then closing must have waited for it.
      CompletableFuture<Void> opener = CompletableFuture.runAsync(() -> {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !lifecycle.isRunning());
        TestApps.Held.gate.countDown();
      });
      context.close();
      opener.join();
      assertThat(inFlight[0].done()).as("finished before close returned").isTrue();
      assertThat(inFlight[0].state()).isEqualTo(RequestState.SUCCEEDED);
    });
    runner("30s").run(context -> {
      Journal journal = context.getBean(Journal.class);
      assertThat(journal.info(inFlight[0].id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
      assertThat(journal.unfinished()).isEmpty();
    });
    assertThat(TestApps.Held.RUNS).as("it ran once").hasValue(1);
  }

  @Test
  void close_requestOutlivingTheTimeout_staysJournaled_andFinishesAfterTheNextStart() {
    String[] id = new String[1];
    runner("100ms").run(context -> {
      TestApps.Held held = context.getBean(TestApps.Held.class);
      id[0] = context.getBean(WeftRuntime.class).submit(Weft.fn(held::hold), 2).id();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.Held.STEP_RUNS.get() == 1);
      context.close(); // the request is still held at the gate
    });
    runner("30s").run(context -> {
      Journal journal = context.getBean(Journal.class);
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> journal.info(id[0]).orElseThrow().state() == RequestState.SUCCEEDED);
      assertThat(journal.output(id[0], Integer.class)).contains(300);
    });
    assertThat(TestApps.Held.RUNS).as("resumed once").hasValue(2);
    assertThat(TestApps.Held.STEP_RUNS).as("the journaled step did not run again").hasValue(1);
  }
}

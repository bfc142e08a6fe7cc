package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocking on an event-loop thread is an anti-pattern that Weft reports, but never a deadlock. */
final class BlockingOnLoopTest {
  private final List<BlockedEventLoopException> reports = new CopyOnWriteArrayList<>();
  private final WeftRuntime runtime = WeftRuntime.builder()
      .eventLoops(1)
      .blockedLoopThreshold(Duration.ofMillis(20))
      .onBlockedLoop(reports::add)
      .build();

  @Function static CompletionStage<Integer> child(int x) {
    return CompletableFuture.supplyAsync(() -> x * 2, CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  @Function static CompletionStage<Integer> asyncChildNow(int x) {
    return CompletableFuture.completedFuture(x + 1);
  }

  /** Blocks its loop waiting for async children that need that very loop to start. */
  @Application @Function
  static CompletionStage<Integer> blocksOnItsOwnLoop(int x) {
    int a = Weft.asyncFn(BlockingOnLoopTest::asyncChildNow).call(x);
    int b = Weft.asyncFn(BlockingOnLoopTest::child).call(a);
    return CompletableFuture.completedFuture(b);
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void resultOnTheLoop_ofWorkQueuedOnThatLoop_completesAndIsReported() {
    assertThat(runtime.submit(Weft.asyncFn(BlockingOnLoopTest::blocksOnItsOwnLoop), 1).result(Duration.ofSeconds(10)))
        .isEqualTo(4);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !reports.isEmpty());
    assertThat(reports.get(0).getMessage()).contains("BlockingOnLoopTest.blocksOnItsOwnLoop");
  }
}

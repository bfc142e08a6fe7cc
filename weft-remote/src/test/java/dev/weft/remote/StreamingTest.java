package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.FunctionTimeoutException;
import dev.weft.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Functions that return a {@code Stream}: their items reach the caller as the worker makes them. */
final class StreamingTest {
  @TempDir static Path registry;
  @TempDir Path scratch;

  static RemoteFn3<Integer, Long, String, Stream<Integer>> countTo;
  static RemoteFn1<Integer, Stream<String>> failAfter;

  @BeforeAll
  static void deploy() {
    Compute compute = Compute.builder().cpus(1).memory("256m").build();
    var c = Remote.fn(Fixtures::countTo).backend(Workers.at(registry)).toAsync(compute);
    var f = Remote.fn(Fixtures::failAfter).backend(Workers.at(registry)).toAsync(compute);
    CompletableFuture.allOf(c, f).join();
    countTo = c.join();
    failAfter = f.join();
  }

  @AfterAll
  static void teardown() {
    for (RemoteFunction fn : new RemoteFunction[] {countTo, failAfter}) {
      if (fn != null) {
        fn.teardown();
      }
    }
  }

  @Test
  void itemsArriveAsTheWorkerMakesThem_notAllAtTheEnd() {
    long start = System.nanoTime();
    List<Long> arrivals = new ArrayList<>();
    List<Integer> items = new ArrayList<>();
    try (Stream<Integer> stream = countTo.call(10, 200L, null)) {
      stream.forEach(i -> {
        items.add(i);
        arrivals.add(System.nanoTime() - start);
      });
    }
    assertThat(items).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // Ten items 200 ms apart: the first is here long before the last is made.
    assertThat(Duration.ofNanos(arrivals.get(9) - arrivals.get(0))).isGreaterThan(Duration.ofMillis(1000));
  }

  @Test
  void callReturnsOnceTheStreamStarts_callAsyncAtOnce_andAnEmptyStreamIsEmpty() throws Exception {
    CompletableFuture<Stream<Integer>> later = countTo.callAsync(3, 0L, null);
    try (Stream<Integer> s = later.get()) {
      assertThat(s.toList()).containsExactly(1, 2, 3);
    }
    try (Stream<Integer> none = countTo.call(0, 0L, null)) {
      assertThat(none.toList()).isEmpty();
    }
  }

  @Test
  void aFailureInTheMiddleComesAfterTheItemsBeforeIt_withItsType() {
    List<String> seen = new ArrayList<>();
    try (Stream<String> stream = failAfter.call(3)) {
      Iterator<String> it = stream.iterator();
      assertThatThrownBy(() -> it.forEachRemaining(seen::add)).isInstanceOf(IllegalStateException.class)
          .hasMessage("no more after 3");
    }
    assertThat(seen).containsExactly("item 1", "item 2", "item 3");
  }

  @Test
  void closingTheStreamEarlyStopsItOnTheWorker() {
    Path closed = scratch.resolve("closed");
    try (Stream<Integer> endless = countTo.call(Integer.MAX_VALUE, 10L, closed.toString())) {
      assertThat(endless.limit(5).toList()).containsExactly(1, 2, 3, 4, 5);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(closed));
  }

  @Test
  void aStreamThatOutlivesItsTimeoutEndsWithTheTimeout() {
    List<Integer> seen = new ArrayList<>();
    try (Stream<Integer> slow = countTo.withTimeout(Duration.ofSeconds(1)).call(100, 100L, null)) {
      assertThatThrownBy(() -> slow.forEach(seen::add)).isInstanceOf(FunctionTimeoutException.class);
    }
    assertThat(seen).isNotEmpty().hasSizeLessThan(100);
  }

  @Test
  void manySmallItemsAllArrive_inOrder() {
    try (Stream<Integer> many = countTo.call(50_000, 0L, null)) {
      List<Integer> all = many.toList();
      assertThat(all).hasSize(50_000);
      assertThat(all.get(0)).isEqualTo(1);
      assertThat(all.get(49_999)).isEqualTo(50_000);
    }
  }

  @Test
  void aClassServiceMethodCanStreamToo() {
    RemoteService<Fixtures.CounterService> service = Remote.cls(Fixtures.CounterService.class, "streaming-counter")
        .initArgs("hi", 0).backend(Workers.at(registry)).to();
    try (Stream<String> greetings = service.proxy(Fixtures.Counter.class).greetEach(List.of("a", "b", "c"))) {
      assertThat(greetings.collect(Collectors.joining("; "))).isEqualTo("hi, a; hi, b; hi, c");
    } finally {
      service.teardown();
    }
  }

  @Test
  void aStreamCannotBeAWeftFuture() {
    assertThatThrownBy(() -> countTo.asFn()).isInstanceOf(UsageException.class).hasMessageContaining("streams its result");
  }
}

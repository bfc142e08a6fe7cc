package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class MapReduceTest {
  static final AtomicInteger CALLS = new AtomicInteger();
  static volatile CountDownLatch firstStepDone;
  static volatile CountDownLatch lastItemWaiting;

  @Function static int twice(int x) { CALLS.incrementAndGet(); return x * 2; }
  @Function static int add(int a, int b) { CALLS.incrementAndGet(); return a + b; }
  @Function static String concat(String acc, String item) { return "f(" + acc + "," + item + ")"; }
  @Function static int failOnThree(int x) {
    if (x == 3) {
      throw new IllegalArgumentException("three");
    }
    return x;
  }

  /** Item 4 waits until the reduce has folded items 1 and 2: proof the fold overlaps the map. */
  @Function static int slowLast(int x) throws InterruptedException {
    if (x == 4) {
      lastItemWaiting.countDown();
      if (!firstStepDone.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the reduce did not start before the map finished");
      }
    }
    return x;
  }

  @Function static int addAndSignal(int a, int b) {
    firstStepDone.countDown();
    return a + b;
  }

  @BeforeEach
  void reset() {
    CALLS.set(0);
    firstStepDone = new CountDownLatch(1);
    lastItemWaiting = new CountDownLatch(1);
  }

  @Test
  void map_keepsInputOrder() {
    List<Integer> items = IntStream.range(0, 1000).boxed().toList();
    List<Integer> out = Weft.fn(MapReduceTest::twice).map(items).result();
    assertThat(out).isEqualTo(items.stream().map(x -> x * 2).toList());
  }

  @Test
  void map_empty_returnsEmptyAndMakesNoCalls() {
    assertThat(Weft.fn(MapReduceTest::twice).map(List.of()).result()).isEmpty();
    assertThat(CALLS).hasValue(0);
  }

  @Test
  void map_futuresInsideTheItems_areResolved() {
    var twice = Weft.fn(MapReduceTest::twice);
    List<Object> items = List.of(1, twice.future(1), CompletableFuture.completedFuture(3));
    assertThat(twice.map(items).result()).containsExactly(2, 4, 6);
  }

  @Test
  void map_futureOfAList_isResolvedFirst() {
    var twice = Weft.fn(MapReduceTest::twice);
    Future<List<Integer>> doubled = twice.map(List.of(1, 2));
    assertThat(twice.map(doubled).result()).containsExactly(4, 8);
  }

  @Test
  void map_itemOfTheWrongType_failsNamingTheItem() {
    assertThatThrownBy(() -> Weft.fn(MapReduceTest::twice).map(List.of(1, "two")).result())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("map item 1")
        .hasMessageContaining("Integer")
        .hasMessageContaining("String");
  }

  @Test
  void map_failingItem_failsTheMapWithItsException() {
    assertThatThrownBy(() -> Weft.fn(MapReduceTest::failOnThree).map(List.of(1, 2, 3, 4)).result())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("three");
  }

  @Test
  void reduce_isALeftFoldInListOrder() {
    var concat = Weft.fn(MapReduceTest::concat);
    assertThat(concat.reduce(List.of("a", "b", "c", "d")).result()).isEqualTo("f(f(f(a,b),c),d)");
    assertThat(concat.reduce(List.of("a", "b"), "i").result()).isEqualTo("f(f(i,a),b)");
  }

  @Test
  void reduce_emptyWithoutInitial_isAUsageError() {
    assertThatThrownBy(() -> Weft.fn(MapReduceTest::add).reduce(List.of()).result())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("initial value");
  }

  @Test
  void reduce_emptyWithInitial_returnsInitialWithoutCalls() {
    assertThat(Weft.fn(MapReduceTest::add).reduce(List.of(), 7).result()).isEqualTo(7);
    assertThat(CALLS).hasValue(0);
  }

  @Test
  void reduce_singleItemWithoutInitial_returnsItWithoutCalls() {
    assertThat(Weft.fn(MapReduceTest::add).reduce(List.of(5)).result()).isEqualTo(5);
    assertThat(CALLS).hasValue(0);
  }

  @Test
  void reduce_initialMayBeAFuture() {
    var twice = Weft.fn(MapReduceTest::twice);
    assertThat(Weft.fn(MapReduceTest::add).reduce(List.of(1, 2), twice.future(5)).result()).isEqualTo(13);
  }

  @Test
  void reduce_overAMixedListAndAFutureOfAList() {
    var twice = Weft.fn(MapReduceTest::twice);
    var add = Weft.fn(MapReduceTest::add);
    List<Object> mixed = List.of(2, twice.future(2), 6, twice.future(4));
    assertThat(add.reduce(mixed).result()).isEqualTo(20);
    assertThat(add.reduce(twice.map(List.of(1, 2, 3, 4)), 0).result()).isEqualTo(20);
    CompletableFuture<List<Integer>> later = CompletableFuture.completedFuture(List.of(1, 2));
    assertThat(add.reduce(later).result()).isEqualTo(3);
  }

  @Test
  void reduce_overAMap_foldsWhileTheMapStillRuns() {
    Future<List<Integer>> items = Weft.fn(MapReduceTest::slowLast).map(List.of(1, 2, 3, 4));
    int total = Weft.fn(MapReduceTest::addAndSignal).reduce(items).result();
    assertThat(total).isEqualTo(10);
  }

  @Test
  void reduce_failingItem_failsTheReduce() {
    Future<List<Integer>> items = Weft.fn(MapReduceTest::failOnThree).map(List.of(1, 2, 3, 4));
    assertThatThrownBy(() -> Weft.fn(MapReduceTest::add).reduce(items, 0).result())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("three");
  }

  @Test
  void reduce_aReducerWhoseResultCannotBeItsAccumulator_isAUsageError() {
    assertThatThrownBy(() -> Weft.fn(MapReduceTest::length).reduce(List.of("a")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("accumulator");
  }

  @Function static int length(String a, String b) { return a.length() + b.length(); }

  @Test
  void map_manyItems_allComplete() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      items.add(i);
    }
    int total = Weft.fn(MapReduceTest::add).reduce(Weft.fn(MapReduceTest::twice).map(items), 0).result();
    assertThat(total).isEqualTo(20_000 * 19_999);
  }
}

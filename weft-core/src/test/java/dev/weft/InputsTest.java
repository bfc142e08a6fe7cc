package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class InputsTest {
  static final AtomicInteger ADDS = new AtomicInteger();
  static volatile CyclicBarrier bothRunning;

  record Pair(Object left, Object right) {}
  record Node(String name, List<Object> next) {}

  @Function static int add(int a, int b) { ADDS.incrementAndGet(); return a + b; }
  @Function static int twice(int x) { return x * 2; }
  @Function static int boom(int x) { throw new IllegalStateException("input failed"); }
  @Function static int sumAll(List<Object> xs) { return xs.size(); }
  @Function static int pairSize(Pair p) { return 2; }
  @Function static String nodeName(Node n) { return n.name(); }

  /** Returns only once another call of it is running at the same time. */
  @Function static int meetsSibling(int x) throws Exception {
    bothRunning.await(10, TimeUnit.SECONDS);
    return x;
  }

  @Function static List<Object> listWithFuture(int x) {
    return List.of(1, Weft.fn(InputsTest::twice).future(x));
  }

  @BeforeEach
  void reset() {
    ADDS.set(0);
    bothRunning = new CyclicBarrier(2);
  }

  @Test
  void futureInputs_areResolvedBeforeTheCall() {
    var twice = Weft.fn(InputsTest::twice);
    assertThat(Weft.fn(InputsTest::add).call(twice.future(3), twice.future(4))).isEqualTo(14);
  }

  @Test
  void independentInputs_runInParallel() {
    var meet = Weft.fn(InputsTest::meetsSibling);
    // each input returns only when the other runs too: sequential resolution would time out
    assertThat(Weft.fn(InputsTest::add).call(meet.future(1), meet.future(2))).isEqualTo(3);
  }

  @Test
  void completableFutureInputs_work() {
    CompletableFuture<Integer> later = new CompletableFuture<>();
    Future<Integer> sum = Weft.fn(InputsTest::add).future(later, 1).run();
    assertThat(sum.done()).isFalse();
    later.complete(41);
    assertThat(sum.result()).isEqualTo(42);
  }

  @Test
  void failedInput_failsTheCallWithoutRunningIt() {
    Future<Integer> sum = Weft.fn(InputsTest::add).future(Weft.fn(InputsTest::boom).future(1), 2);
    assertThatThrownBy(sum::result).isInstanceOf(IllegalStateException.class).hasMessage("input failed");
    assertThat(ADDS).hasValue(0);
  }

  @Test
  void futureInsideAListArgument_isAUsageErrorSayingWhatToDo() {
    List<Object> items = List.of(1, Weft.fn(InputsTest::twice).future(2));
    assertThatThrownBy(() -> Weft.fn(InputsTest::sumAll).future(items))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("InputsTest.sumAll")
        .hasMessageContaining("argument 1")
        .hasMessageContaining("[1]")
        .hasMessageContaining("map/reduce");
  }

  @Test
  void futureInsideARecordArgument_isAUsageError() {
    Pair pair = new Pair(1, Weft.fn(InputsTest::twice).future(2));
    assertThatThrownBy(() -> Weft.fn(InputsTest::pairSize).future(pair))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("record Pair")
        .hasMessageContaining(".right");
  }

  @Test
  void futureInsideAReturnedList_failsTheCall() {
    assertThatThrownBy(() -> Weft.fn(InputsTest::listWithFuture).call(1))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("returned a List holding a future")
        .hasMessageContaining("tail call");
  }

  /** Wraps {@code inner} in {@code levels} one-element lists. */
  private static Object nested(Object inner, int levels) {
    Object v = inner;
    for (int i = 0; i < levels; i++) {
      v = new ArrayList<>(List.of(v));
    }
    return v;
  }

  /** Regression: a future more than 8 levels deep was not seen and reached the function unresolved. */
  @Test
  void futureNestedDeeperThanEightLevels_isAUsageError() {
    Object deep = nested(Weft.fn(InputsTest::twice).future(2), 20);
    @SuppressWarnings("unchecked")
    List<Object> items = (List<Object>) deep;
    assertThatThrownBy(() -> Weft.fn(InputsTest::sumAll).future(items))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("argument 1")
        .hasMessageContaining("[0]".repeat(20));
  }

  @Test
  void futureNestedTenThousandLevelsDeep_isAUsageError_withoutOverflowingTheStack() {
    @SuppressWarnings("unchecked")
    List<Object> items = (List<Object>) nested(Weft.fn(InputsTest::twice).future(2), 10_000);
    assertThatThrownBy(() -> Weft.fn(InputsTest::sumAll).future(items)).isInstanceOf(UsageException.class);
  }

  @Test
  void listContainingItself_withoutFutures_isPassedAsIs() {
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(1);
    cyclic.add(cyclic);
    assertThat(Weft.fn(InputsTest::sumAll).call(cyclic)).isEqualTo(2);
  }

  @Test
  void listContainingItself_andAFuture_isAUsageError() {
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    cyclic.add(Weft.fn(InputsTest::twice).future(2));
    assertThatThrownBy(() -> Weft.fn(InputsTest::sumAll).future(cyclic))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("[1]");
  }

  @Test
  void recordGraphWithACycle_isCheckedToTheEnd() {
    Node a = new Node("a", new ArrayList<>());
    Node b = new Node("b", new ArrayList<>());
    a.next().add(b);
    b.next().add(a);
    assertThat(Weft.fn(InputsTest::nodeName).call(a)).isEqualTo("a");

    b.next().add(Map.of("k", Weft.fn(InputsTest::twice).future(2)));
    assertThatThrownBy(() -> Weft.fn(InputsTest::nodeName).future(a))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("record Node")
        .hasMessageContaining(".next[0].next[1][k]");
  }

  @Function static List<Object> deepListWithFuture(int x) {
    return List.of(nested(Weft.fn(InputsTest::twice).future(x), 12));
  }

  @Test
  void futureNestedDeepInAReturnedValue_failsTheCall() {
    assertThatThrownBy(() -> Weft.fn(InputsTest::deepListWithFuture).call(1))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("holding a future");
  }
}

package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Fn1;
import dev.weft.Fn2;
import dev.weft.FunctionTimeoutException;
import dev.weft.journal.InMemoryJournal;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Methods run with a body of the caller's choosing: on an engine ({@code start}) or as Weft handles ({@code handle}). */
final class DirectFunctionTest {
  static int twice(int x) {
    return x * 2;
  }

  static CompletionStage<Integer> later(int x) {
    return CompletableFuture.completedFuture(x);
  }

  static int add(int a, int b) {
    return a + b;
  }

  static int six(int a, int b, int c, int d, int e, int f) {
    return a + b + c + d + e + f;
  }

  private static Method method(String name, Class<?>... params) throws NoSuchMethodException {
    return DirectFunctionTest.class.getDeclaredMethod(name, params);
  }

  @Test
  void handle_runsTheBodyInPlaceOfTheMethod_andComposesAsAnyHandle() throws Exception {
    AtomicInteger bodyRuns = new AtomicInteger();
    @SuppressWarnings("unchecked")
    Fn1<Integer, Integer> tenfold = (Fn1<Integer, Integer>) DirectFunction.of(method("twice", int.class), "Tenfold")
        .handle(Duration.ofSeconds(5), args -> {
          bodyRuns.incrementAndGet();
          return (Integer) args[0] * 10;
        });
    assertThat(tenfold.name()).isEqualTo("Tenfold");
    assertThat(tenfold.map(List.of(1, 2, 3)).result()).containsExactly(10, 20, 30);
    assertThat(tenfold.future(tenfold.future(1)).result()).isEqualTo(100);
    assertThat(bodyRuns).hasValue(5);
  }

  @Test
  void handle_ofAStageReturningMethod_runsItsBodyOnAnEventLoop() throws Exception {
    @SuppressWarnings("unchecked")
    Fn1<Integer, String> where = (Fn1<Integer, String>) DirectFunction.of(method("later", int.class), "Where")
        .handle(Duration.ofSeconds(5), args -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
    assertThat(where.call(1)).startsWith("weft-loop-");
  }

  @Test
  void handle_isNeverRetried_andStopsABodyAtItsTimeout() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    @SuppressWarnings("unchecked")
    Fn2<Integer, Integer, Integer> slow = (Fn2<Integer, Integer, Integer>) DirectFunction.of(method("add", int.class, int.class), "Slow")
        .handle(Duration.ofMillis(200), args -> {
          runs.incrementAndGet();
          Thread.sleep(10_000); // interrupted by the timeout
          return 0;
        });
    assertThatThrownBy(() -> slow.call(1, 2)).isInstanceOf(FunctionTimeoutException.class);
    assertThat(runs).hasValue(1);
  }

  @Test
  void handle_refusesWhatNoHandleCanBe() throws Exception {
    DirectFunction six = DirectFunction.of(method("six", int.class, int.class, int.class, int.class, int.class, int.class), "Six");
    assertThatThrownBy(() -> six.handle(Duration.ofSeconds(1), args -> 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 5");
    DirectFunction twice = DirectFunction.of(method("twice", int.class), "Twice");
    assertThatThrownBy(() -> twice.handle(Duration.ZERO, args -> 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void start_runsOnTheGivenEngine_outsideAnyRequest() throws Exception {
    Engine engine = new Engine(new EngineConfig(1, Duration.ofMillis(100), false, report -> {}, new InMemoryJournal()));
    try {
      Object r = DirectFunction.of(method("twice", int.class), "Twice")
          .start(engine, new Object[] {21}, Duration.ofSeconds(5), args -> twice((Integer) args[0])).result();
      assertThat(r).isEqualTo(42);
    } finally {
      engine.close();
    }
  }
}

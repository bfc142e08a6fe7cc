package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

final class FunctionHandleTest {
  @Function static int twice(int x) { return x * 2; }
  @Function(name = "doubler") static int named(int x) { return x * 2; }
  @Function static CompletionStage<Integer> asyncTwice(int x) { return CompletableFuture.completedFuture(x * 2); }
  static int notAnnotated(int x) { return x; }
  @Function(retries = 11) static int tooManyRetries(int x) { return x; }
  @Function(timeout = "soon") static int badTimeout(int x) { return x; }
  @Function(timeout = "500ms") static int tooShortTimeout(int x) { return x; }
  @Function(backoff = @Backoff(initial = "2s", max = "1s")) static int badBackoff(int x) { return x; }
  @Function(backoff = @Backoff(jitter = 1.5)) static int badJitter(int x) { return x; }
  @Function(cpus = 0) static int badCpus(int x) { return x; }
  @Function(memory = "lots") static int badMemory(int x) { return x; }
  @Function static int five(int a, int b, int c, int d, int e) { return a + b + c + d + e; }
  @Function static String none() { return "none"; }

  @Function int instanceTwice(int x) { return x * 2; }

  @Test
  void name_fromMethodReference_isSimpleClassDotMethod() {
    assertThat(Weft.fn(FunctionHandleTest::twice).name()).isEqualTo("FunctionHandleTest.twice");
  }

  @Test
  void name_override_isUsed() {
    assertThat(Weft.fn(FunctionHandleTest::named).name()).isEqualTo("doubler");
  }

  @Test
  void fn_ofAsyncMethod_failsSayingUseAsyncFn() {
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::asyncTwice))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Weft.asyncFn");
  }

  @Test
  void fn_withoutAnnotation_failsNamingTheMethod() {
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::notAnnotated))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("FunctionHandleTest.notAnnotated")
        .hasMessageContaining("@Function");
  }

  @Test
  void fn_ofLambda_failsAskingForAMethodReference() {
    assertThatThrownBy(() -> Weft.fn((Integer x) -> x + 1))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("method reference");
  }

  @Test
  void options_invalid_failWhenTheHandleIsMade() {
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::tooManyRetries))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'retries'").hasMessageContaining("tooManyRetries").hasMessageContaining("0..10");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::badTimeout))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'timeout'").hasMessageContaining("badTimeout").hasMessageContaining("30s");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::tooShortTimeout))
        .isInstanceOf(UsageException.class).hasMessageContaining("between 1s and 24h");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::badBackoff))
        .isInstanceOf(UsageException.class).hasMessageContaining("'backoff.max'");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::badJitter))
        .isInstanceOf(UsageException.class).hasMessageContaining("'backoff.jitter'");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::badCpus))
        .isInstanceOf(UsageException.class).hasMessageContaining("'cpus'");
    assertThatThrownBy(() -> Weft.fn(FunctionHandleTest::badMemory))
        .isInstanceOf(UsageException.class).hasMessageContaining("'memory'");
  }

  @Test
  void arities_zeroToFive_call() {
    assertThat(Weft.fn(FunctionHandleTest::none).call()).isEqualTo("none");
    assertThat(Weft.fn(FunctionHandleTest::five).call(1, 2, 3, 4, 5)).isEqualTo(15);
    CompletableFuture<Integer> three = CompletableFuture.completedFuture(3);
    assertThat(Weft.fn(FunctionHandleTest::five).call(1, CompletableFuture.completedFuture(2), three, 4, three))
        .isEqualTo(13);
  }

  @Test
  void boundInstanceMethod_callsThatInstance() {
    FunctionHandleTest self = new FunctionHandleTest();
    Fn1<Integer, Integer> fn = Weft.fn(self::instanceTwice);
    assertThat(fn.call(4)).isEqualTo(8);
    assertThat(fn.name()).isEqualTo("FunctionHandleTest.instanceTwice");
  }

  @Test
  void unboundInstanceMethod_takesTheReceiverFirst() {
    Fn2<FunctionHandleTest, Integer, Integer> fn = Weft.fn(FunctionHandleTest::instanceTwice);
    assertThat(fn.call(new FunctionHandleTest(), 5)).isEqualTo(10);
  }

  @Test
  void handles_fromTheSameReference_agree() {
    for (int i = 0; i < 3; i++) {
      assertThat(Weft.fn(FunctionHandleTest::twice).call(i)).isEqualTo(i * 2);
    }
  }
}

package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

final class SmokeTest {
  @Function static int twice(int x) { return x * 2; }
  @Function static int add(int a, int b) { return a + b; }
  @Function static CompletionStage<String> upper(String s) { return CompletableFuture.completedFuture(s.toUpperCase()); }

  @Application @Function
  static Future<Integer> sumOfDoubles(List<Integer> numbers) {
    Future<List<Integer>> doubled = Weft.fn(SmokeTest::twice).map(numbers);
    return Weft.fn(SmokeTest::add).reduce(doubled, 0);
  }

  @Test
  void basics() {
    assertThat(Weft.fn(SmokeTest::twice).call(21)).isEqualTo(42);
    var add = Weft.fn(SmokeTest::add);
    var twice = Weft.fn(SmokeTest::twice);
    assertThat(add.call(twice.future(3), twice.future(4))).isEqualTo(14);
    assertThat(Weft.asyncFn(SmokeTest::upper).call("world")).isEqualTo("WORLD");
    assertThat(Weft.run(Weft.asyncFn(SmokeTest::sumOfDoubles), List.of(1, 2, 3, 4))).isEqualTo(20);
  }
}

package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * T4: map and reduce from an async function, without blocking. Prints {@code 20}: the doubles of
 * 1, 2, 3 and 4, summed.
 *
 * <p>Mirrors the "Non-blocking map and reduce operations" example of seed 000:
 *
 * <pre>{@code
 * @application()
 * @function()
 * async def process_numbers(numbers: list[int]) -> int:
 *     doubled: list[int] = await double.map(numbers)
 *     total: int = await add.reduce(doubled)
 *     return total
 * }</pre>
 *
 * <p>{@code map} and {@code reduce} return unstarted futures, exactly like a single call.
 * {@code thenCompose} awaits the map, then makes the reduce and awaits it in turn.
 * (Passing the map's future straight to {@code reduce} would work too: see {@link T10MixedItems}.)
 */
public final class T4MapReduce implements Example {

  @Function
  static CompletionStage<Integer> twice(int x) {
    return CompletableFuture.completedFuture(x * 2);
  }

  @Function
  static CompletionStage<Integer> add(int a, int b) {
    return CompletableFuture.completedFuture(a + b);
  }

  @Application
  @Function
  static CompletionStage<Integer> processNumbers(List<Integer> numbers) {
    return Weft.asyncFn(T4MapReduce::twice).map(numbers)
        .thenCompose(doubled -> Weft.asyncFn(T4MapReduce::add).reduce(doubled));
  }

  @Override
  public String id() {
    return "T4";
  }

  @Override
  public String title() {
    return "non-blocking map and reduce";
  }

  @Override
  public void run(PrintStream out) {
    int total = Weft.run(Weft.asyncFn(T4MapReduce::processNumbers), List.of(1, 2, 3, 4));
    out.println(total);
    Check.expect("processNumbers([1, 2, 3, 4])", total, 20);
  }
}

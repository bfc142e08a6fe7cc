package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.Fn2;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A2: the same async function called from async code gives futures that run concurrently. The
 * echoes print in the order their delays end, and all three take about as long as the longest,
 * 1 s. Prints the three echoes, the elapsed time, then {@code async-.1, async-.5, async-1}.
 *
 * <p>Mirrors the "Asynchronous Execution" part of seed 003 (async-tamer):
 *
 * <pre>{@code
 * async def main():
 *     first = slow_echo("async > DELAY(1)", 1)
 *     second = slow_echo("async > DELAY(.1)", 0.1)
 *     third = slow_echo("async > DELAY(.5)", 0.5)
 *
 *     # Don't forget the await!
 *     await second
 *     await asyncio.gather(first, third)
 *
 * # Output
 * # async > DELAY(.1)
 * # async > DELAY(.5)
 * # async > DELAY(1)
 * }</pre>
 *
 * <p>{@code main} is an async Weft function, so it runs on an event-loop thread and must not
 * block: it takes {@code future(...)} of each echo, {@link Future#run() starts} them all, awaits
 * {@code second} by composing on it, then awaits the other two together ({@code allOf} is
 * {@code gather}). A Python coroutine starts only when awaited, so the seed's {@code first}
 * and {@code third} begin after {@code second} (1.1 s in all); starting them at once, as here,
 * makes it 1 s. The blocking main thread waits for {@code main} with {@code call()}.
 */
public final class A2AsyncCalls implements Example {

  private Echo echo;

  /** The seed's {@code async def main()}. */
  @Function
  CompletionStage<Void> main() {
    Fn2<String, Double, String> slowEcho = echo.handle();
    Future<String> first = slowEcho.future("async-1", 1.0).run();
    Future<String> second = slowEcho.future("async-.1", 0.1).run();
    Future<String> third = slowEcho.future("async-.5", 0.5).run();

    return second.thenCompose(s ->
        CompletableFuture.allOf(first.toCompletableFuture(), third.toCompletableFuture()));
  }

  @Override
  public String id() {
    return "A2";
  }

  @Override
  public String title() {
    return "async calls from async code run concurrently";
  }

  @Override
  public void run(PrintStream out) {
    echo = new Echo(out);

    Weft.asyncFn(this::main).call();

    out.println("elapsed: " + echo.elapsedMs() + " ms");
    String order = String.join(", ", echo.finished());
    out.println(order);
    Check.expect("finish order", order, "async-.1, async-.5, async-1");
  }
}

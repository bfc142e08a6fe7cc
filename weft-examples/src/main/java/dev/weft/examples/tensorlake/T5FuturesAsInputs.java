package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * T5: pass futures as the arguments of another call. Prints the elapsed time, about 300 ms
 * although each of the two {@code twice} calls takes 300 ms, then {@code 14}: 3·2 + 4·2.
 *
 * <p>Mirrors the "Passing coroutines and asyncio.Tasks as inputs" example of seed 000:
 *
 * <pre>{@code
 * @application()
 * @function()
 * async def my_app(x: int) -> int:
 *     a = double(x)
 *     b = double(x + 1)
 *     # Pass coroutines as function call arguments. Tensorlake runs both in parallel,
 *     # waits for them to complete, and uses their results as the arguments for `add`.
 *     return await add(a, b)
 * }</pre>
 *
 * <p>Any argument of a Weft call may be a future instead of a value. Starting {@code add}
 * starts both unstarted {@code twice} futures, in parallel, and {@code add} runs with their
 * results once both are there. Here {@code twice} is a sync function: it runs on its own virtual
 * thread, so it may block (it sleeps 300 ms to make the parallelism visible). The application
 * starts {@code add} with {@code run()} and returns it started, which awaits it.
 */
public final class T5FuturesAsInputs implements Example {

  @Function
  static int twice(int x) throws InterruptedException {
    Thread.sleep(300);
    return x * 2;
  }

  @Function
  static CompletionStage<Integer> add(int a, int b) {
    return CompletableFuture.completedFuture(a + b);
  }

  @Application
  @Function
  static CompletionStage<Integer> myApp(int x) {
    Future<Integer> a = Weft.fn(T5FuturesAsInputs::twice).future(x);
    Future<Integer> b = Weft.fn(T5FuturesAsInputs::twice).future(x + 1);
    return Weft.asyncFn(T5FuturesAsInputs::add).future(a, b).run();
  }

  @Override
  public String id() {
    return "T5";
  }

  @Override
  public String title() {
    return "futures as inputs run in parallel";
  }

  @Override
  public void run(PrintStream out) {
    Fn1<Integer, Integer> myApp = Weft.asyncFn(T5FuturesAsInputs::myApp);
    long start = System.nanoTime();
    int result = Weft.run(myApp, 3);
    long elapsed = NANOSECONDS.toMillis(System.nanoTime() - start);
    out.println("elapsed: " + elapsed + " ms");
    out.println(result);
    Check.expect("myApp(3)", result, 14);
  }
}

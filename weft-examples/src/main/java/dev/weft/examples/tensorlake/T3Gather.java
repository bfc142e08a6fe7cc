package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * T3: run two async calls in parallel and combine their results. Prints the elapsed time, about
 * 300 ms although each call takes 300 ms, then
 * {@code Hello, WORLD! Why did world cross the road? To get to the other side!}.
 *
 * <p>Mirrors the {@code asyncio.gather} example of seed 000:
 *
 * <pre>{@code
 * @application()
 * @function()
 * async def greet(name: str) -> str:
 *     # Start both function calls in parallel.
 *     capitalized, joke = await asyncio.gather(
 *         capitalize(name),
 *         make_joke(name),
 *     )
 *     return f"Hello, {capitalized}! {joke}"
 * }</pre>
 *
 * <p>Both futures are started with {@code run()}, then combined with {@code thenCombine}: that is
 * {@code gather}. To make the parallelism visible, each function takes 300 ms, and waits without
 * blocking: an async function runs on an event-loop thread, so it returns a stage that a timer
 * completes later, never {@code Thread.sleep}.
 */
public final class T3Gather implements Example {

  /** Runs a task 300 ms from now, without holding any thread meanwhile. */
  private static final Executor IN_300_MS = CompletableFuture.delayedExecutor(300, MILLISECONDS);

  @Function
  static CompletionStage<String> capitalize(String text) {
    return CompletableFuture.supplyAsync(() -> text.toUpperCase(Locale.ROOT), IN_300_MS);
  }

  @Function
  static CompletionStage<String> makeJoke(String name) {
    return CompletableFuture.supplyAsync(
        () -> "Why did " + name + " cross the road? To get to the other side!", IN_300_MS);
  }

  @Application
  @Function
  static CompletionStage<String> greet(String name) {
    // Start both calls, so they run in parallel, then continue when both have completed.
    Future<String> capitalized = Weft.asyncFn(T3Gather::capitalize).future(name).run();
    Future<String> joke = Weft.asyncFn(T3Gather::makeJoke).future(name).run();
    return capitalized.thenCombine(joke, (c, j) -> "Hello, " + c + "! " + j);
  }

  @Override
  public String id() {
    return "T3";
  }

  @Override
  public String title() {
    return "gather: two async calls in parallel";
  }

  @Override
  public void run(PrintStream out) {
    Fn1<String, String> greet = Weft.asyncFn(T3Gather::greet);
    long start = System.nanoTime();
    String greeting = Weft.run(greet, "world");
    long elapsed = NANOSECONDS.toMillis(System.nanoTime() - start);
    out.println("elapsed: " + elapsed + " ms");
    out.println(greeting);
    Check.expect("greet(\"world\")", greeting,
        "Hello, WORLD! Why did world cross the road? To get to the other side!");
  }
}

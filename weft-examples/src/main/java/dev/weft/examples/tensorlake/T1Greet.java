package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * T1: an async application awaits an async function. Prints {@code Hello, WORLD!}.
 *
 * <p>Mirrors the first example of seed 000, "An async Tensorlake function behaves like a regular
 * Python async function":
 *
 * <pre>{@code
 * @function()
 * async def capitalize(text: str) -> str:
 *     return text.upper()
 *
 * @application()
 * @function()
 * async def greet(name: str) -> str:
 *     capitalized: str = await capitalize(name)
 *     return f"Hello, {capitalized}!"
 * }</pre>
 *
 * <p>An async Weft function returns a {@code CompletionStage}. Calling {@code future(name)} on its
 * handle makes an unstarted future, like Python's coroutine; composing on it with
 * {@code thenApply} starts it and continues when it completes, which is what {@code await} does.
 * Neither function blocks the event-loop thread it runs on.
 */
public final class T1Greet implements Example {

  @Function
  static CompletionStage<String> capitalize(String text) {
    return CompletableFuture.completedFuture(text.toUpperCase(Locale.ROOT));
  }

  @Application
  @Function
  static CompletionStage<String> greet(String name) {
    return Weft.asyncFn(T1Greet::capitalize).future(name)
        .thenApply(capitalized -> "Hello, " + capitalized + "!");
  }

  @Override
  public String id() {
    return "T1";
  }

  @Override
  public String title() {
    return "an async application awaits an async function";
  }

  @Override
  public void run(PrintStream out) {
    String greeting = Weft.run(Weft.asyncFn(T1Greet::greet), "world");
    out.println(greeting);
    Check.expect("greet(\"world\")", greeting, "Hello, WORLD!");
  }
}

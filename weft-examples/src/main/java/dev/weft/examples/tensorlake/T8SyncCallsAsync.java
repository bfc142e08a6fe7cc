package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * T8: call async functions from a sync one by waiting on their futures. Prints {@code 15}:
 * 5 + 5·2.
 *
 * <p>Mirrors the "Calling async functions from sync functions" example of seed 000:
 *
 * <pre>{@code
 * @application()
 * @function()
 * def my_app(x: int) -> int:
 *     doubled: int = async_double.future(x).result()
 *     return async_add.future(x, doubled).result()
 * }</pre>
 *
 * <p>A sync function runs on a virtual thread, so it may block: {@code result()} starts the
 * async call (which runs on an event-loop thread) and waits for its value.
 */
public final class T8SyncCallsAsync implements Example {

  @Function
  static CompletionStage<Integer> asyncDouble(int x) {
    return CompletableFuture.completedFuture(x * 2);
  }

  @Function
  static CompletionStage<Integer> asyncAdd(int a, int b) {
    return CompletableFuture.completedFuture(a + b);
  }

  @Application
  @Function
  static int myApp(int x) {
    int doubled = Weft.asyncFn(T8SyncCallsAsync::asyncDouble).future(x).result();
    return Weft.asyncFn(T8SyncCallsAsync::asyncAdd).future(x, doubled).result();
  }

  @Override
  public String id() {
    return "T8";
  }

  @Override
  public String title() {
    return "sync calls async: future(...).result()";
  }

  @Override
  public void run(PrintStream out) {
    int result = Weft.run(Weft.fn(T8SyncCallsAsync::myApp), 5);
    out.println(result);
    Check.expect("myApp(5)", result, 15);
  }
}

package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * T6: return an unstarted future to make a tail call. Prints that the application had returned
 * before {@code twice} started, then {@code 14}.
 *
 * <p>Mirrors the "Tail calls" example of seed 000:
 *
 * <pre>{@code
 * @application()
 * @function()
 * async def my_app(x: int) -> int:
 *     # Returns a coroutine as a tail call. The function completes immediately
 *     # and Tensorlake runs the coroutine in the background.
 *     return double(x)
 * }</pre>
 *
 * <p>When a function returns an <em>unstarted</em> future, its own call ends there and frees its
 * thread; Weft then starts the future, and the future's result becomes the function's result,
 * here the request's output. To show the order, {@code myApp} raises a flag as the very last
 * thing before it returns and {@code twice} looks at the flag when it starts: if Weft ran
 * {@code twice} while {@code myApp} was still running, it would see the flag down.
 */
public final class T6TailCall implements Example {

  /** Raised by {@code myApp} just before it returns. */
  private static final AtomicBoolean appReturning = new AtomicBoolean();
  /** What {@code twice} saw of {@link #appReturning} when it started. */
  private static final AtomicBoolean twiceSawAppReturned = new AtomicBoolean();

  @Function
  static CompletionStage<Integer> twice(int x) {
    twiceSawAppReturned.set(appReturning.get());
    return CompletableFuture.completedFuture(x * 2);
  }

  @Application
  @Function
  static CompletionStage<Integer> myApp(int x) {
    Future<Integer> tail = Weft.asyncFn(T6TailCall::twice).future(x);
    appReturning.set(true);
    return tail;
  }

  @Override
  public String id() {
    return "T6";
  }

  @Override
  public String title() {
    return "a tail call: return an unstarted future";
  }

  @Override
  public void run(PrintStream out) {
    appReturning.set(false);
    twiceSawAppReturned.set(false);
    int result = Weft.run(Weft.asyncFn(T6TailCall::myApp), 7);
    out.println("myApp returned before twice started: " + twiceSawAppReturned.get());
    out.println(result);
    Check.expect("myApp returned before twice started", twiceSawAppReturned.get(), true);
    Check.expect("myApp(7)", result, 14);
  }
}

package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * T7: call a sync function from an async one without blocking the event loop, three ways.
 * Prints each variant's result, then {@code 10}.
 *
 * <p>Mirrors the "Calling sync functions from async functions" example of seed 000:
 *
 * <pre>{@code
 * @function()
 * def sync_double(x: int) -> int:
 *     return x * 2
 *
 * @application()
 * @function()
 * async def my_app(x: int) -> int:
 *     # Simple await of the sync function call.
 *     return await sync_double.future(x)
 *
 * @application()
 * @function()
 * async def my_app_tail_call(x: int) -> int:
 *     # Tail call.
 *     return sync_double.future(x)
 *
 * @application()
 * @function()
 * async def my_app_background_task(x: int) -> int:
 *     double_task: asyncio.Task = asyncio.create_task(sync_double.future(x).coroutine())
 *     return await double_task
 * }</pre>
 *
 * <p>{@code syncDouble.call(x)} inside an async function would block its event-loop thread
 * until the call is done (Weft's blocked-loop detector reports that). Instead each variant takes
 * {@code future(x)}: a sync call that runs on its own virtual thread while the loop stays free.
 * The future is a {@code CompletionStage}, so it can be awaited by composing on it; it can be
 * returned unstarted as a tail call; and {@code toCompletableFuture()} starts it and hands back
 * a plain {@code CompletableFuture}, the counterpart of {@code future.coroutine()} wrapped in a
 * task.
 */
public final class T7AsyncCallsSync implements Example {

  @Function
  static int syncDouble(int x) {
    return x * 2;
  }

  /** Await: compose on the future; the rest runs once syncDouble has returned. */
  @Application
  @Function
  static CompletionStage<Integer> myApp(int x) {
    return Weft.fn(T7AsyncCallsSync::syncDouble).future(x)
        .thenApply(doubled -> doubled);
  }

  /** Tail call: return the future unstarted. */
  @Application
  @Function
  static CompletionStage<Integer> myAppTailCall(int x) {
    return Weft.fn(T7AsyncCallsSync::syncDouble).future(x);
  }

  /** Background task: start it as a plain CompletableFuture, then await that. */
  @Application
  @Function
  static CompletionStage<Integer> myAppBackgroundTask(int x) {
    CompletableFuture<Integer> doubleTask =
        Weft.fn(T7AsyncCallsSync::syncDouble).future(x).toCompletableFuture();
    return doubleTask;
  }

  @Override
  public String id() {
    return "T7";
  }

  @Override
  public String title() {
    return "async calls sync without blocking the loop";
  }

  @Override
  public void run(PrintStream out) {
    run(out, WeftRuntime.defaultRuntime());
  }

  /**
   * Runs the three variants as requests on {@code runtime}, which a test may build to listen
   * for blocked-loop reports.
   *
   * @throws IllegalStateException if a variant's result is not 10
   */
  public static void run(PrintStream out, WeftRuntime runtime) {
    int awaited = runtime.run(Weft.asyncFn(T7AsyncCallsSync::myApp), 5);
    out.println("await: " + awaited);
    int tailCall = runtime.run(Weft.asyncFn(T7AsyncCallsSync::myAppTailCall), 5);
    out.println("tail call: " + tailCall);
    int background = runtime.run(Weft.asyncFn(T7AsyncCallsSync::myAppBackgroundTask), 5);
    out.println("background task: " + background);
    Check.expect("myApp(5)", awaited, 10);
    Check.expect("myAppTailCall(5)", tailCall, 10);
    Check.expect("myAppBackgroundTask(5)", background, 10);
    out.println(background);
  }
}

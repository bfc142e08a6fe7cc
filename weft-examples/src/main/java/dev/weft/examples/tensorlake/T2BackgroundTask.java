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

/**
 * T2: start a call in the background, do other work, then await it. Prints {@code 42}.
 *
 * <p>Mirrors the {@code asyncio.create_task} example of seed 000:
 *
 * <pre>{@code
 * @function()
 * async def double(x: int) -> int:
 *     return x * 2
 *
 * @application()
 * @function()
 * async def my_app(x: int) -> int:
 *     coroutine = double(x)
 *     task: asyncio.Task = asyncio.create_task(coroutine)
 *     # Do something else and then await the task to get the result.
 *     return await task
 * }</pre>
 *
 * <p>{@link Future#run()} is {@code create_task}: it starts the call and returns the same future,
 * now running. An async function that returns a <em>started</em> future (or any other stage)
 * completes when that stage does: that is {@code return await task}. (Returning it
 * <em>unstarted</em> would be a tail call instead: see {@link T6TailCall}.)
 */
public final class T2BackgroundTask implements Example {

  @Function
  static CompletionStage<Integer> twice(int x) {
    return CompletableFuture.completedFuture(x * 2);
  }

  @Application
  @Function
  static CompletionStage<Integer> myApp(int x) {
    Future<Integer> task = Weft.asyncFn(T2BackgroundTask::twice).future(x).run();
    // ... do something else here while twice runs ...
    return task;
  }

  @Override
  public String id() {
    return "T2";
  }

  @Override
  public String title() {
    return "a background task: run() now, await later";
  }

  @Override
  public void run(PrintStream out) {
    int result = Weft.run(Weft.asyncFn(T2BackgroundTask::myApp), 21);
    out.println(result);
    Check.expect("myApp(21)", result, 42);
  }
}

package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.AsyncScope;
import dev.weft.Async;
import dev.weft.DelayedResult;
import dev.weft.Fn0;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletionStage;

/**
 * A4: one async function gives its result three ways: composed on in async code, returned by a
 * blocking call, and read from a {@link DelayedResult} after its scope has closed. Prints the
 * three, then {@code (200, Time to be awesome!)}.
 *
 * <p>Mirrors "Returning Results" in seed 003 (async-tamer):
 *
 * <pre>{@code
 * async def slow_io():
 *     await asyncio.sleep(0.1)
 *     return 200, "Time to be awesome!"
 *
 * async def main():
 *     coro = slow_io()  # <-- normal coroutine
 *     return_code, msg = await coro  # <-- await the result
 *
 * return_code, msg = slow_io()  # <-- immediate result
 *
 * with AsyncScope() as scope:
 *     delayed_result = slow_io(_async_scope=scope)
 * # <-- implicit await on exit
 * return_code, msg = delayed_result.value
 * }</pre>
 *
 * <p>The tuple is a record, {@link Status}. In async code the {@code await} is a composition on
 * the call's future (run here to its end with {@link Async#sync}, the bridge from blocking code);
 * {@code call()} returns the value itself; and {@code in(scope)} returns a {@code DelayedResult}
 * whose {@link DelayedResult#value() value()} is there once the scope has closed.
 */
public final class A4Results implements Example {

  @Function
  static CompletionStage<Status> slowIo() {
    return Sleep.then(0.1, () -> new Status(200, "Time to be awesome!"));
  }

  @Override
  public String id() {
    return "A4";
  }

  @Override
  public String title() {
    return "results: awaited, returned at once, or read from a DelayedResult";
  }

  @Override
  public void run(PrintStream out) {
    Fn0<Status> slowIo = Weft.asyncFn(A4Results::slowIo);

    // Async: compose on the future; the stage completes with the formatted line.
    CompletionStage<String> awaited = slowIo.future()
        .thenApply(status -> "Status " + status.code() + ": `" + status.message() + "`");
    out.println("async > " + Async.sync(awaited));

    // Blocking: the call returns the value itself.
    Status immediate = slowIo.call();
    out.println("sync > Status " + immediate.code() + ": `" + immediate.message() + "`");

    // Scope: a DelayedResult, read after the scope's implicit await.
    DelayedResult<Status> delayedResult;
    try (AsyncScope scope = AsyncScope.open()) {
      delayedResult = slowIo.in(scope);
    }
    Status delayed = delayedResult.value();
    out.println("scope > Status " + delayed.code() + ": `" + delayed.message() + "`");

    Check.expect("slowIo() by call", immediate, delayed);
    out.println(delayed);
    Check.expect("slowIo() in a scope", delayed.toString(), "(200, Time to be awesome!)");
  }
}

package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.AsyncScope;
import dev.weft.DelayedResult;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletionStage;

/**
 * A5: a {@link DelayedResult} passed to another function forked into the same scope: the second
 * call starts when the first result arrives. Reading {@code value()} before the result is there
 * is an error saying it is "not yet available"; after {@code block()} it is there. Prints that
 * error, then {@code (200, You are very awesome!)}.
 *
 * <p>Mirrors the {@code DelayedResult} example of seed 003 (async-tamer):
 *
 * <pre>{@code
 * async def request(delay:int):
 *     await asyncio.sleep(delay)
 *     return 200, "You are awesome!"
 *
 * async def post_process(raw_result):
 *     ret_code, msg = await raw_result  # <-- awaitable in async context
 *     a, b = msg.rsplit(" ", 1)
 *     return ret_code, " ".join((a, "very", b))
 *
 * with AsyncScope() as scope:
 *     raw_result = request(0.1, _async_scope=scope)
 *     result = post_process(raw_result, _async_scope=scope)  # <-- pass it around
 *     try:
 *         return_code, msg = result.value
 *     except AttributeError:  # <-- AttributeError, not arrived yet
 *         print(f"scope > result: Not yet available.")
 *     result.block()  # <-- block in sync context
 *     return_code, msg = result.value
 *     print(f"scope > result: Status {return_code}: `{msg}`")
 * }</pre>
 *
 * <p>(The seed's copy of the README lost the {@code try:} line; it is restored here.)
 *
 * <p>A {@code DelayedResult} is a {@code CompletionStage}, so it is an input like any other:
 * Weft resolves it before {@code postProcess} runs, and {@code postProcess} receives the
 * {@link Status} itself. With nothing left to await, it is an ordinary (sync) function. Where
 * Python raises {@code AttributeError}, {@link DelayedResult#value()} throws
 * {@link IllegalStateException}.
 */
public final class A5PassingResults implements Example {

  @Function
  static CompletionStage<Status> request(double seconds) {
    return Sleep.then(seconds, () -> new Status(200, "You are awesome!"));
  }

  @Function
  static Status postProcess(Status raw) {
    String msg = raw.message();
    int last = msg.lastIndexOf(' ');
    return new Status(raw.code(), msg.substring(0, last) + " very" + msg.substring(last));
  }

  @Override
  public String id() {
    return "A5";
  }

  @Override
  public String title() {
    return "a DelayedResult passed to another call; value() before it arrives is an error";
  }

  @Override
  public void run(PrintStream out) {
    Fn1<Double, Status> request = Weft.asyncFn(A5PassingResults::request);
    Fn1<Status, Status> postProcess = Weft.fn(A5PassingResults::postProcess);

    Status status;
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<Status> rawResult = request.in(scope, 0.1);
      DelayedResult<Status> result = postProcess.in(scope, rawResult); // pass it around

      String early;
      try {
        early = "value() returned " + result.value() + " already";
      } catch (IllegalStateException e) { // not arrived yet
        early = e.getMessage();
      }
      out.println("scope > result: " + early);
      Check.expect("value() before the result is there says so",
          early.contains("not yet available"), true);

      result.block(); // block in blocking code; throws here if it failed
      status = result.value();
      out.println("scope > result: Status " + status.code() + ": `" + status.message() + "`");
    }

    out.println(status);
    Check.expect("postProcess(request(.1))", status.toString(), "(200, You are very awesome!)");
  }
}

package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.Fn2;
import dev.weft.examples.Example;
import java.io.PrintStream;

/**
 * A1: an async function called from blocking code behaves like an ordinary function: each call
 * returns when its echo is done, so the echoes print in call order and take the sum of their
 * delays, about 1.6 s. Prints the three echoes, the elapsed time, then
 * {@code sync-1, sync-.1, sync-.5} (the order in which they finished).
 *
 * <p>Mirrors the "Synchronous Execution" part of seed 003 (async-tamer):
 *
 * <pre>{@code
 * @tamed  # <-- notice the decorator
 * async def slow_echo(msg:str, delay:int) -> None:
 *     await asyncio.sleep(delay)
 *
 * slow_echo("sync > DELAY(1)", 1)
 * slow_echo("sync > DELAY(.1)", 0.1)
 * slow_echo("sync > DELAY(.5)", 0.5)
 *
 * # Output
 * # sync > DELAY(1)
 * # sync > DELAY(.1)
 * # sync > DELAY(.5)
 * }</pre>
 *
 * <p>Weft needs no decorator that inspects the caller: the handle says how to call.
 * {@code call(...)} is the blocking form (here, on the main thread); {@code future(...)} is the
 * async form ({@link A2AsyncCalls}) and {@code in(scope, ...)} the scoped one ({@link A3Scope}).
 */
public final class A1SyncCalls implements Example {

  @Override
  public String id() {
    return "A1";
  }

  @Override
  public String title() {
    return "an async function called from blocking code runs to completion, in call order";
  }

  @Override
  public void run(PrintStream out) {
    Echo echo = new Echo(out);
    Fn2<String, Double, String> slowEcho = echo.handle();

    slowEcho.call("sync-1", 1.0);
    slowEcho.call("sync-.1", 0.1);
    slowEcho.call("sync-.5", 0.5);

    out.println("elapsed: " + echo.elapsedMs() + " ms");
    String order = String.join(", ", echo.finished());
    out.println(order);
    Check.expect("finish order", order, "sync-1, sync-.1, sync-.5");
  }
}

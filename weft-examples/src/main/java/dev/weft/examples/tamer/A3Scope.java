package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.AsyncScope;
import dev.weft.Fn2;
import dev.weft.examples.Example;
import java.io.PrintStream;

/**
 * A3: blocking code forks the three echoes into a scope; they run concurrently and the scope's
 * close waits for all of them, about 1 s (the longest), not 1.6 s. Prints the three echoes, the
 * time at which the scope closed, then {@code scope-.1, scope-.5, scope-1}.
 *
 * <p>Mirrors the "AsyncScope Execution" part of seed 003 (async-tamer):
 *
 * <pre>{@code
 * with AsyncScope() as scope:
 *     slow_echo("scope > DELAY(1)", 1, _async_scope=scope)
 *     slow_echo("scope > DELAY(.1)", 0.1, _async_scope=scope)
 *     slow_echo("scope > DELAY(.5)", 0.5, _async_scope=scope)
 *
 * # Output
 * # scope > DELAY(.1)
 * # scope > DELAY(.5)
 * # scope > DELAY(1)
 * }</pre>
 *
 * <p>{@code with AsyncScope() as scope} is try-with-resources on {@link AsyncScope#open()}, and
 * the injected {@code _async_scope=scope} keyword is the handle's {@code in(scope, ...)}: it
 * forks the call into the scope and returns at once (with a
 * {@link dev.weft.DelayedResult}, unused here; see {@link A4Results}). The end of the
 * {@code try} block is the seed's "implicit await".
 */
public final class A3Scope implements Example {

  @Override
  public String id() {
    return "A3";
  }

  @Override
  public String title() {
    return "calls forked into a scope run concurrently; close waits for them";
  }

  @Override
  public void run(PrintStream out) {
    Echo echo = new Echo(out);
    Fn2<String, Double, String> slowEcho = echo.handle();

    try (AsyncScope scope = AsyncScope.open()) {
      slowEcho.in(scope, "scope-1", 1.0);
      slowEcho.in(scope, "scope-.1", 0.1);
      slowEcho.in(scope, "scope-.5", 0.5);
    } // implicit await

    out.println("elapsed: " + echo.elapsedMs() + " ms");
    String order = String.join(", ", echo.finished());
    out.println(order);
    Check.expect("finish order", order, "scope-.1, scope-.5, scope-1");
  }
}

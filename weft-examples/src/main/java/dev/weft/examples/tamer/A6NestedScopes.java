package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.AsyncScope;
import dev.weft.Fn2;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A6: nested scopes. The outer scope's forks run alongside the inner scope's; work forked into
 * the outer scope after the inner one starts only once the inner scope has finished. Prints
 * each echo as it finishes, in the order {@code outer-1, inner-1, outer-1.5, inner-2, outer-.5}
 * (the last at about 2.5 s: 2 s of inner scope, then .5 s), the elapsed time, then
 * {@code outer-.5}, the echo that finished last.
 *
 * <p>Mirrors the nested-scope examples of seed 003 (async-tamer), in their {@code async with}
 * form:
 *
 * <pre>{@code
 * async def slow_bulk_echo() -> None:
 *     async with AsyncScope() as outer_scope:  # <-- `async with` in async contexts
 *         slow_echo("Outer Scope > DELAY(1.5)", 1.5, _async_scope=outer_scope)
 *         slow_echo("Outer Scope > DELAY(1)", 1, _async_scope=outer_scope)
 *         async with AsyncScope() as inner_scope:
 *             slow_echo("Outer Scope > Inner Scope > DELAY(2)", 2, _async_scope=inner_scope)
 *             slow_echo("Outer Scope > Inner Scope > DELAY(1)", 1, _async_scope=inner_scope)
 *         # await inner_scope functions
 *
 *         # Note: scheduled after inner scope has finished
 *         slow_echo("Outer Scope > DELAY(.5)", 0.5, _async_scope=outer_scope)
 *
 * # Output
 * # Outer Scope > DELAY(1)
 * # Outer Scope > Inner Scope > DELAY(1)
 * # Outer Scope > DELAY(1.5)
 * # Outer Scope > Inner Scope > DELAY(2)
 * # Outer Scope > DELAY(.5)
 * }</pre>
 *
 * <p>{@code async with} is {@link AsyncScope#async}: it runs the body with a new scope and
 * returns a stage that completes once the body's stage has completed and the scope has closed,
 * never blocking. "Scheduled after the inner scope has finished" is composing on the inner
 * scope's stage. The blocking form (nested try-with-resources) behaves the same way: see
 * {@link A7RateLimiter}.
 *
 * <p>Why the async form here: {@code slowBulkEcho} runs on one event-loop thread, and calls made
 * from an event loop run on that same loop, so the echoes start in the order they were forked,
 * as on Python's single loop. The two 1 s echoes ({@code outer-1} and {@code inner-1}) then end
 * in fork order every time. Forked from a blocking thread they would be spread over all loops,
 * and two echoes forked microseconds apart could end in either order.
 */
public final class A6NestedScopes implements Example {

  private Echo echo;

  /** The seed's {@code async def slow_bulk_echo()}. */
  @Function
  CompletionStage<Void> slowBulkEcho() {
    Fn2<String, Double, String> slowEcho = echo.handle();
    return AsyncScope.async(outer -> {
      slowEcho.in(outer, "outer-1.5", 1.5);
      slowEcho.in(outer, "outer-1", 1.0);
      CompletionStage<Void> innerDone = AsyncScope.async(inner -> {
        slowEcho.in(inner, "inner-2", 2.0);
        slowEcho.in(inner, "inner-1", 1.0);
        return CompletableFuture.<Void>completedFuture(null);
      }); // await inner scope functions

      // Note: forked after the inner scope has finished.
      return innerDone.thenRun(() -> slowEcho.in(outer, "outer-.5", 0.5));
    });
  }

  @Override
  public String id() {
    return "A6";
  }

  @Override
  public String title() {
    return "nested scopes: inner forks run alongside outer ones; later outer forks wait";
  }

  @Override
  public void run(PrintStream out) {
    echo = new Echo(out);

    Weft.asyncFn(this::slowBulkEcho).call();

    out.println("elapsed: " + echo.elapsedMs() + " ms");
    List<String> order = echo.finished();
    Check.expect("finish order", order, List.of("outer-1", "inner-1", "outer-1.5", "inner-2", "outer-.5"));
    out.println(order.get(order.size() - 1));
  }
}

package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import dev.weft.AsyncScope;
import dev.weft.DelayedResult;
import dev.weft.Fn0;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A8: where a failing async function's exception arrives. In blocking code, at the call; in
 * async code, at the awaited future; in a scope, at {@code block()} (so code after
 * {@code block()} may assume success) and not again when the scope closes; and a failure that
 * nobody waited for is thrown when its scope closes. Prints what was caught in each case, then
 * {@code at the call, at the await, at block(), at close}.
 *
 * <p>Mirrors "Exception Management" in seed 003 (async-tamer):
 *
 * <pre>{@code
 * async def faulty_function():
 *     raise RuntimeError("Oh no!")
 *
 * async def main():
 *     coro = faulty_function()
 *     try:
 *         await coro
 *     except RuntimeError:
 *         print("Actually, I'm good.")
 *
 * try:
 *     faulty_function()
 * except RuntimeError:
 *     print("Actually, I'm good.")
 *
 * with AsyncScope() as scope:
 *     delayed_result = faulty_function(_async_scope=scope)
 *     try:
 *         delayed_result.block()
 *     except RuntimeError:
 *         print("Actually, I'm good.")
 *
 * with AsyncScope() as scope:
 *     result = faulty_function(_async_scope=scope)
 * # Traceback (most recent call last):
 * # RuntimeError: Oh no!
 * }</pre>
 *
 * <p>(The seed's copy of the README lost the {@code try:} blocks' first lines; they are
 * restored here.)
 *
 * <p>Python's {@code RuntimeError} is an {@link IllegalStateException} here. Where async-tamer
 * raises an {@code ExceptionGroup} at scope exit (even for one error), Weft throws the first
 * unawaited failure itself, with any others suppressed on it.
 */
public final class A8Failures implements Example {

  @Function
  static CompletionStage<String> faultyFunction() {
    return CompletableFuture.failedFuture(new IllegalStateException("Oh no!"));
  }

  /** The seed's {@code async def main()}: awaits the call and recovers from its failure. */
  @Function
  static CompletionStage<String> main() {
    return Weft.asyncFn(A8Failures::faultyFunction).future()
        .exceptionally(failure -> "Actually, I'm good (caught " + describe(failure) + ")");
  }

  @Override
  public String id() {
    return "A8";
  }

  @Override
  public String title() {
    return "failures arrive where you wait: at the call, the await, block(), or scope close";
  }

  @Override
  public void run(PrintStream out) {
    Fn0<String> faultyFunction = Weft.asyncFn(A8Failures::faultyFunction);
    List<String> where = new ArrayList<>();

    // Blocking code: the call throws.
    try {
      faultyFunction.call();
    } catch (IllegalStateException e) {
      out.println("blocking call: Actually, I'm good (caught " + describe(e) + ")");
      where.add("at the call");
    }

    // Async code: the awaited future completes with the failure.
    String recovered = Weft.asyncFn(A8Failures::main).call();
    out.println("async code: " + recovered);
    Check.expect("the awaited failure", recovered.contains("IllegalStateException: Oh no!"), true);
    where.add("at the await");

    // A scope: block() throws, and the scope does not throw it again when it closes.
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<String> delayedResult = faultyFunction.in(scope);
      try {
        String value = delayedResult.block();
        out.println("not reached: code after block() may assume success, " + value);
      } catch (IllegalStateException e) {
        out.println("scope, at block(): Actually, I'm good (caught " + describe(e) + ")");
        where.add("at block()");
      }
    }
    out.println("scope closed without throwing it again");

    // A scope: a failure nobody waited for is thrown when the scope closes.
    try {
      try (AsyncScope scope = AsyncScope.open()) {
        faultyFunction.in(scope);
      }
      out.println("not reached: the scope closed normally");
    } catch (IllegalStateException e) {
      out.println("scope, unawaited: thrown at close (" + describe(e) + ")");
      where.add("at close");
    }

    String result = String.join(", ", where);
    out.println(result);
    Check.expect("where the failures arrived", result, "at the call, at the await, at block(), at close");
  }

  /** The failure's type and message, unwrapping the {@code CompletionException} of a stage. */
  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}

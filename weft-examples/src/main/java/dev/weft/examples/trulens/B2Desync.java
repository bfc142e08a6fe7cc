package dev.weft.examples.trulens;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Async;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * B2: {@link Async#desync} lets async code call a blocking function: the function runs on a new
 * virtual thread and the caller gets a stage, so the caller's event-loop thread is never held.
 * Prints the caller's thread, the thread the blocking work ran on, whether they differ, then
 * {@code 49}.
 *
 * <p>Mirrors {@code desync} in seed 002 (TruLens {@code trulens.core.utils.asynchro}):
 *
 * <blockquote>{@code async desync(func: CallableMaybeAwaitable[A, T], *args, **kwargs) -> T}:
 * Run the given function asynchronously with the given args. If it is not asynchronous, will
 * run in thread.</blockquote>
 *
 * <p>{@code squareOffLoop} is an async function, so it runs on an event-loop thread
 * ({@code weft-loop-N}); {@code blockingSquare} sleeps 200 ms, past the blocked-loop detector's
 * threshold, and runs on a {@code weft-call} virtual thread instead, so the detector stays
 * quiet. For work that may itself return a stage (TruLens awaits what the thread returns), use
 * {@link Async#desyncCompose}.
 */
public final class B2Desync implements Example {

  /** What the async caller saw: its own thread, the worker's, and the value. */
  record Seen(String caller, String worker, int value) {}

  /** A value and the thread that computed it. */
  record Computed(String thread, int value) {}

  /** Blocking work: an ordinary method, not a Weft function. */
  static int blockingSquare(int x) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(200));
    return x * x;
  }

  @Application
  @Function
  static CompletionStage<Seen> squareOffLoop(int x) {
    String caller = Thread.currentThread().getName();
    CompletionStage<Computed> computed = Async.desync(
        () -> new Computed(Thread.currentThread().getName(), blockingSquare(x)));
    return computed.thenApply(c -> new Seen(caller, c.thread(), c.value()));
  }

  @Override
  public String id() {
    return "B2";
  }

  @Override
  public String title() {
    return "Async.desync: blocking work from async code, off the caller's thread";
  }

  @Override
  public void run(PrintStream out) {
    run(out, WeftRuntime.defaultRuntime());
  }

  /**
   * Runs {@code squareOffLoop(7)} as a request on {@code runtime}, which a test may build to
   * listen for blocked-loop reports.
   *
   * @throws IllegalStateException if the work ran on the caller's thread or the value is not 49
   */
  public static void run(PrintStream out, WeftRuntime runtime) {
    Seen seen = runtime.run(Weft.asyncFn(B2Desync::squareOffLoop), 7);
    out.println("caller: " + seen.caller());
    out.println("blocking work ran on: " + seen.worker());
    boolean differ = !seen.caller().equals(seen.worker());
    out.println("different threads: " + differ);
    Check.expect("the caller runs on an event loop", seen.caller().startsWith("weft-loop-"), true);
    Check.expect("the work ran off the caller's thread", differ, true);
    out.println(seen.value());
    Check.expect("squareOffLoop(7)", seen.value(), 49);
  }
}

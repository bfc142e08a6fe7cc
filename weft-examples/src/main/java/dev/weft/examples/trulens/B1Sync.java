package dev.weft.examples.trulens;

import dev.weft.examples.Check;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.weft.Application;
import dev.weft.Async;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * B1: {@link Async#sync} runs async work to its value from blocking code, and also on an
 * event-loop thread, where waiting for work queued on that same loop does not deadlock. Prints
 * the value seen on each thread, then {@code 42}.
 *
 * <p>Mirrors {@code sync} in seed 002 (TruLens {@code trulens.core.utils.asynchro}):
 *
 * <blockquote>{@code sync(func: CallableMaybeAwaitable[A, T], *args, **kwargs) -> T}: Get
 * result of calling function on the given args. If it is awaitable, will block until it is
 * finished. Runs in a new thread in such cases.</blockquote>
 *
 * <p>and the design rule of its docs: "Try to have all internals be async but for users we may
 * expose sync versions via the sync method."
 *
 * <p>From the main thread, {@code Async.sync(() -> twice.future(21))} calls the lambda here and
 * waits for the stage it returns. Inside {@code onLoop}, an async function and so on an
 * event-loop thread, the call of {@code twice} is queued on that very loop; TruLens would start
 * a new thread with a new loop, while Weft keeps running the loop's queued tasks while it waits,
 * so {@code twice} runs and the wait ends. (Blocking on a loop still holds up its other work,
 * and the blocked-loop detector reports a wait longer than its threshold: async code should
 * compose instead. The wait here is about 20 ms, but the first run in a cold JVM can take
 * longer and be reported.)
 */
public final class B1Sync implements Example {

  /** A value and the thread that obtained it. */
  record Seen(String thread, int value) {}

  @Function
  static CompletionStage<Integer> twice(int x) {
    return CompletableFuture.supplyAsync(() -> x * 2, CompletableFuture.delayedExecutor(20, MILLISECONDS));
  }

  /** The handle to {@link #twice}; one reference site, so it is resolved once, off the loop. */
  private static Fn1<Integer, Integer> twiceHandle() {
    return Weft.asyncFn(B1Sync::twice);
  }

  /** Runs on an event-loop thread; syncs an async call queued on that same loop. */
  @Application
  @Function
  static CompletionStage<Seen> onLoop(int x) {
    int doubled = Async.sync(twiceHandle().future(x));
    return CompletableFuture.completedFuture(new Seen(Thread.currentThread().getName(), doubled));
  }

  @Override
  public String id() {
    return "B1";
  }

  @Override
  public String title() {
    return "Async.sync: async work to a value, from blocking code and on an event loop";
  }

  @Override
  public void run(PrintStream out) {
    Fn1<Integer, Integer> twice = twiceHandle();

    int fromBlocking = Async.sync(() -> twice.future(21));
    out.println("blocking code (" + Thread.currentThread().getName() + "): " + fromBlocking);

    Seen onLoop = Weft.run(Weft.asyncFn(B1Sync::onLoop), 21);
    out.println("event loop (" + onLoop.thread() + "): " + onLoop.value());

    Check.expect("an event-loop thread ran onLoop", onLoop.thread().startsWith("weft-loop-"), true);
    Check.expect("Async.sync on the event loop", onLoop.value(), fromBlocking);
    out.println(fromBlocking);
    Check.expect("Async.sync from blocking code", fromBlocking, 42);
  }
}

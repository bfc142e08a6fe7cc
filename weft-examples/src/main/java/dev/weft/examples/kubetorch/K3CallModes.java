package dev.weft.examples.kubetorch;

import dev.weft.Function;
import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * K3: remote calls block by default; a per-call async form returns a future at once; the
 * handle's default switch makes {@code invoke} async; the explicit per-call forms win over that
 * default. Prints how long each form held the caller, then the five answers.
 *
 * <p>Mirrors seed 004:
 *
 * <pre>{@code
 * remote_fn = kt.fn(my_function).to(kt.Compute(cpus="0.5"))
 * result = remote_fn(arg1, arg2)                    # synchronous (default): blocks
 * result = await remote_fn(arg1, arg2, async_=True)  # async: returns a coroutine
 * remote_fn.async_ = True                            # all calls async by default
 * result = await remote_fn(arg1, arg2)
 * result = remote_fn(arg1, arg2, async_=False)       # override for one call: blocks
 * }</pre>
 *
 * <p>In Java the mode is in the method's name rather than a keyword argument: {@code call} always
 * blocks and {@code callAsync} never does, while {@code invoke} follows the handle's default.
 * Handles are immutable, so {@code withAsyncDefault(true)} returns a new handle to the same
 * service instead of changing one that other code may hold. Each call takes 300 ms on the worker.
 */
public final class K3CallModes implements Example {

  @Function
  static int slowSquare(int x) {
    Slow.work(300);
    return x * x;
  }

  @Override
  public String id() {
    return "K3";
  }

  @Override
  public String title() {
    return "sync by default, async per call, an async default, per-call override";
  }

  @Override
  public void run(PrintStream out) {
    RemoteFn1<Integer, Integer> square = Remote.fn(K3CallModes::slowSquare)
        .to(Compute.builder().cpus("0.5").memory("256m").inactivityTtl("10m").build());
    try {
      long t = System.nanoTime();
      int two = square.call(2);
      out.println("call(2) blocked for " + Elapsed.since(t) + " ms");

      t = System.nanoTime();
      CompletableFuture<Integer> three = square.callAsync(3);
      out.println("callAsync(3) returned after " + Elapsed.since(t) + " ms, done: " + three.isDone());

      t = System.nanoTime();
      CompletableFuture<Integer> four = square.invoke(4);
      out.println("invoke(4) with the sync default blocked for " + Elapsed.since(t) + " ms, done: " + four.isDone());

      RemoteFn1<Integer, Integer> asyncByDefault = square.withAsyncDefault(true);
      t = System.nanoTime();
      CompletableFuture<Integer> five = asyncByDefault.invoke(5);
      out.println("invoke(5) with the async default returned after " + Elapsed.since(t) + " ms, done: " + five.isDone());

      t = System.nanoTime();
      int six = asyncByDefault.call(6);
      out.println("call(6) on the async-default handle blocked for " + Elapsed.since(t) + " ms");

      List<Integer> answers = List.of(two, three.join(), four.join(), five.join(), six);
      out.println("answers: " + answers);
      Check.expect("the answers", answers, List.of(4, 9, 16, 25, 36));
    } finally {
      square.teardown();
    }
  }
}

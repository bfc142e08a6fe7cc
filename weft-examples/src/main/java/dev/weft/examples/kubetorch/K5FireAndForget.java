package dev.weft.examples.kubetorch;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.weft.Function;
import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * K5: fire and forget. Start a slow remote training without waiting for it, fetch data from
 * another remote function meanwhile, then wait for the training: the whole takes about the
 * training's time, not the sum. Prints when the data came (training still running), the elapsed
 * time, then both results.
 *
 * <p>Mirrors seed 004:
 *
 * <pre>{@code
 * async def run_workflow():
 *     training_task = asyncio.create_task(train_fn(epochs=100, async_=True))  # start, don't wait
 *     data = await fetch_fn(url, async_=True)                                 # other work meanwhile
 *     model = await training_task                                             # wait when needed
 *     return model, data
 * }</pre>
 *
 * <p>{@code callAsync} sends the call at once and returns its future, so it is already
 * {@code create_task}. Training is CPU work (sync, on the worker's virtual threads, 300 ms per
 * epoch); fetching is I/O (async, on the worker's event loop, 200 ms).
 */
public final class K5FireAndForget implements Example {

  @Function
  static String train(int epochs) {
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Slow.work(300);
    }
    return "model after " + epochs + " epochs";
  }

  @Function
  static CompletionStage<List<Integer>> fetch(String url) {
    return CompletableFuture.supplyAsync(() -> List.of(3, 1, 4, 1, 5),
        CompletableFuture.delayedExecutor(200, MILLISECONDS));
  }

  @Override
  public String id() {
    return "K5";
  }

  @Override
  public String title() {
    return "fire and forget: train in the background, fetch meanwhile";
  }

  @Override
  public void run(PrintStream out) {
    Compute compute = Compute.builder().cpus("0.5").memory("256m").inactivityTtl("10m").build();
    CompletableFuture<RemoteFn1<Integer, String>> trainDeployment = Remote.fn(K5FireAndForget::train).toAsync(compute);
    CompletableFuture<RemoteFn1<String, List<Integer>>> fetchDeployment =
        Remote.asyncFn(K5FireAndForget::fetch).toAsync(compute);
    try {
      RemoteFn1<Integer, String> trainFn = trainDeployment.join();
      RemoteFn1<String, List<Integer>> fetchFn = fetchDeployment.join();

      long start = System.nanoTime();
      CompletableFuture<String> training = trainFn.callAsync(3); // started; nobody waits yet
      List<Integer> data = fetchFn.call("local://dataset");
      out.println("data " + data + " fetched after " + Elapsed.since(start) + " ms; training done: " + training.isDone());
      String model = training.join();
      out.println("elapsed: " + Elapsed.since(start) + " ms");
      String result = model + ", data " + data;
      out.println(result);
      Check.expect("the workflow", result, "model after 3 epochs, data [3, 1, 4, 1, 5]");
    } finally {
      Teardown.whenDeployed(trainDeployment);
      Teardown.whenDeployed(fetchDeployment);
    }
  }
}

package dev.weft.examples.kubetorch;

import dev.weft.Function;
import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.remote.RemoteFunction;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * K1: deploy three functions concurrently with {@code toAsync} and wait for all three: it takes
 * about as long as the slowest deployment, not the sum. Prints when each service was ready, the
 * elapsed time, then one call's answer from each.
 *
 * <p>Mirrors the first example of seed 004:
 *
 * <pre>{@code
 * compute = kt.Compute(cpus="0.5")
 * fn1, fn2, fn3 = await asyncio.gather(
 *     kt.fn(process_data).to_async(compute),
 *     kt.fn(train_model).to_async(compute),
 *     kt.fn(evaluate_model).to_async(compute),
 * )
 * }</pre>
 *
 * <p>Each function lives in a class that takes a while to load on the worker (1 s, 1.5 s and
 * 2 s: its static initializer stands for a heavy library, as {@code import torch} is in Python),
 * so a deployment is only ready once its worker JVM has started and loaded it. Deployed one after
 * another they would take at least 4.5 s; together they take about the 2 s of the slowest plus
 * the start of a worker JVM.
 */
public final class K1ConcurrentDeploy implements Example {

  /** The data step: its class takes 1 s to load on the worker. */
  static final class DataStep {
    static {
      Slow.work(1000);
    }

    @Function
    static int processData(int rows) {
      return rows * 2;
    }
  }

  /** The training step: its class takes 1.5 s to load on the worker. */
  static final class TrainStep {
    static {
      Slow.work(1500);
    }

    @Function
    static String trainModel(int epochs) {
      return "model-" + epochs;
    }
  }

  /** The evaluation step: its class takes 2 s to load on the worker. */
  static final class EvalStep {
    static {
      Slow.work(2000);
    }

    @Function
    static double evaluateModel(String model) {
      return 0.95;
    }
  }

  @Override
  public String id() {
    return "K1";
  }

  @Override
  public String title() {
    return "deploy three functions concurrently with toAsync";
  }

  @Override
  public void run(PrintStream out) {
    Compute compute = Compute.builder().cpus("0.5").memory("256m").inactivityTtl("10m").build();
    long start = System.nanoTime();
    // Each toAsync returns at once; the three workers start side by side.
    CompletableFuture<RemoteFn1<Integer, Integer>> data = Remote.fn(DataStep::processData).toAsync(compute);
    CompletableFuture<RemoteFn1<Integer, String>> train = Remote.fn(TrainStep::trainModel).toAsync(compute);
    CompletableFuture<RemoteFn1<String, Double>> eval = Remote.fn(EvalStep::evaluateModel).toAsync(compute);
    out.println("three toAsync calls returned after " + Elapsed.since(start) + " ms");
    CompletableFuture<Long> dataReady = data.thenApply(fn -> Elapsed.since(start));
    CompletableFuture<Long> trainReady = train.thenApply(fn -> Elapsed.since(start));
    CompletableFuture<Long> evalReady = eval.thenApply(fn -> Elapsed.since(start));
    try {
      CompletableFuture.allOf(dataReady, trainReady, evalReady).join(); // asyncio.gather
      long elapsed = Elapsed.since(start);
      out.println(data.join().serviceName() + " ready after " + dataReady.join() + " ms (loads in 1000 ms)");
      out.println(train.join().serviceName() + " ready after " + trainReady.join() + " ms (loads in 1500 ms)");
      out.println(eval.join().serviceName() + " ready after " + evalReady.join() + " ms (loads in 2000 ms)");

      int rows = data.join().call(21);
      String model = train.join().call(3);
      double accuracy = eval.join().call(model);
      out.println("elapsed: " + elapsed + " ms");
      String result = "processData(21) = " + rows + ", trainModel(3) = " + model + ", evaluateModel(" + model + ") = "
          + accuracy;
      out.println(result);
      Check.expect("the three calls", result, "processData(21) = 42, trainModel(3) = model-3, evaluateModel(model-3) = 0.95");
    } finally {
      for (CompletableFuture<? extends RemoteFunction> deployment : List.of(data, train, eval)) {
        Teardown.whenDeployed(deployment);
      }
    }
  }
}

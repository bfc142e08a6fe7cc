package dev.weft.examples.kubetorch;

import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteService;
import java.io.PrintStream;
import java.util.Locale;

/**
 * K2: deploy a class by name with constructor arguments and log streaming, then deploy it again
 * with get-if-exists, which reuses the running service: the same worker process, the same
 * instance and its state. Prints the training's streamed log lines, then what the second
 * deployment found.
 *
 * <p>Mirrors the class deployment of seed 004:
 *
 * <pre>{@code
 * remote_cls = await kt.cls(MyClass, name="my-service").to_async(
 *     kt.Compute(cpus="1", gpus="1"),
 *     init_args={"config": config},
 *     stream_logs=True,
 *     get_if_exists=True,
 * )
 * }</pre>
 *
 * <p>A class service is called through an interface the class implements ({@link Training}), so
 * both sides agree on the methods at compile time. The first deployment here does not ask for
 * get-if-exists, so it replaces whatever an earlier run may have left under that name; the second
 * one does, and needs no constructor arguments since it builds nothing. {@code streamLogs(true)}
 * prints what calls write to this process's standard error as {@code [k2-trainer] line}; the
 * handle's {@code withLogs} sends the lines somewhere else instead, here to this example's output.
 * No GPU: the local back end has none, and refuses {@code gpus(1)} with a clear error.
 */
public final class K2ClassService implements Example {

  /** The trainer's settings: they travel to the worker as JSON. */
  public record Config(double learningRate) {}

  /** What a training returns. */
  public record Model(int epochs, double loss) {}

  /** How callers see the trainer. */
  public interface Training {
    Model train(int epochs);

    /** How many trainings this instance has run: state that lives on the worker. */
    int trainings();
  }

  /** The deployed class: built once on the worker with its {@link Config}. */
  public static final class Trainer implements Training {
    private final Config config;
    private int trainings;

    public Trainer(Config config) {
      this.config = config;
      System.out.println("trainer built with learning rate " + config.learningRate());
    }

    @Override
    public synchronized Model train(int epochs) {
      double loss = 1.0;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        loss *= 1 - 50 * config.learningRate();
        System.out.println(String.format(Locale.ROOT, "epoch %d: loss %.3f", epoch, loss));
      }
      trainings++;
      return new Model(epochs, Math.round(loss * 1000) / 1000.0);
    }

    @Override
    public synchronized int trainings() {
      return trainings;
    }
  }

  @Override
  public String id() {
    return "K2";
  }

  @Override
  public String title() {
    return "a class by name with init args, log streaming and get-if-exists";
  }

  @Override
  public void run(PrintStream out) {
    Compute compute = Compute.builder().cpus("1").memory("256m").inactivityTtl("10m").build();
    RemoteService<Trainer> trainer = Remote.cls(Trainer.class, "k2-trainer")
        .initArgs(new Config(0.01))
        .streamLogs(true)
        .toAsync(compute)
        .join();
    try {
      out.println("deployed " + trainer.name() + " (pid " + trainer.processIds().get(0) + ")");
      Training training = trainer.withLogs(line -> out.println("  [" + trainer.name() + "] " + line)).proxy(Training.class);
      Model model = training.train(3);
      out.println("trained: " + model);

      // Elsewhere in this program, or in another process on this machine: reuse the running service.
      RemoteService<Trainer> again = Remote.cls(Trainer.class, "k2-trainer")
          .streamLogs(true)
          .getIfExists(true)
          .toAsync(compute)
          .join();
      boolean sameProcess = again.processIds().equals(trainer.processIds());
      int trainings = again.proxy(Training.class).trainings();
      out.println("get-if-exists found pid " + again.processIds().get(0) + "; trainings so far: " + trainings);
      String result = "reused " + again.name() + ": same process " + sameProcess + ", trainings " + trainings
          + ", loss " + model.loss();
      out.println(result);
      Check.expect("the second deployment", result, "reused k2-trainer: same process true, trainings 1, loss 0.125");
    } finally {
      trainer.teardown();
    }
  }
}

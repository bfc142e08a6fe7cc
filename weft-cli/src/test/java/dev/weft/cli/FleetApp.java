package dev.weft.cli;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Placement;
import dev.weft.RequestContext;
import dev.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Applications the fleet tests run on real node processes. Each records what it does in a file
 * shared by all nodes, one whole line per write ({@code O_APPEND}), with the process id of the
 * node that did it and the wall-clock milliseconds: the tests read which node ran what, and when.
 */
public final class FleetApp {
  private FleetApp() {}

  /** One job of {@link #square}: where to record, and the number. */
  public record Square(String file, int n) {}

  /**
   * Records {@code begin <n> <pid> <ms>}, makes three short calls, records {@code end <n> <pid> <ms>}
   * and returns n squared. A run is the span between its begin and end lines.
   */
  @Application(description = "Squares n in three journaled steps (fleet tests)")
  @Function(timeout = "5m")
  static long square(Square job) throws IOException {
    append(job.file(), "begin " + job.n() + " " + pid() + " " + System.currentTimeMillis());
    long acc = 0;
    for (int i = 0; i < 3; i++) {
      acc += Weft.fn(FleetApp::part).call(job.n());
    }
    append(job.file(), "end " + job.n() + " " + pid() + " " + System.currentTimeMillis());
    return job.n() * acc / 3;
  }

  /** Returns n after a few milliseconds of work. */
  @Function(timeout = "5m")
  static long part(int n) throws InterruptedException {
    Thread.sleep(5);
    return n;
  }

  /** One job of {@link #steps}: where to record, how many steps and how long each takes. */
  public record Steps(String file, int steps, long stepMillis) {}

  /**
   * Runs {@link #step} {@code steps} times one after another (each records {@code step <i> <pid> <ms>}
   * and then works {@code stepMillis}); returns {@code finished by <pid>}, the node that ran the end.
   */
  @Application(description = "Slow steps, one at a time (fleet failure tests)")
  @Function(timeout = "10m")
  static String steps(Steps job) {
    for (int i = 0; i < job.steps(); i++) {
      Weft.fn(FleetApp::step).call(new Step(job.file(), i, job.stepMillis()));
      RequestContext.current().progress().update(i + 1, job.steps());
    }
    return "finished by " + pid();
  }

  /** One step of {@link #steps}. */
  public record Step(String file, int index, long millis) {}

  /**
   * Records {@code step <i> <pid> <ms>}, works, records {@code stepped <i> <pid> <ms>}; returns
   * {@code i@pid}, so the journal shows which node's result it kept.
   */
  @Function(timeout = "10m")
  static String step(Step step) throws IOException, InterruptedException {
    append(step.file(), "step " + step.index() + " " + pid() + " " + System.currentTimeMillis());
    Thread.sleep(step.millis());
    append(step.file(), "stepped " + step.index() + " " + pid() + " " + System.currentTimeMillis());
    return step.index() + "@" + pid();
  }

  static long pid() {
    return ProcessHandle.current().pid();
  }

  @Application(description = "Deploys (or finds) a remote service in the fleet and returns its worker's pid (fleet tests)")
  @Function(timeout = "2m")
  static long remotePid(int ignored) {
    return dev.weft.remote.Remote.fn(FleetApp::workerPid).name("fleet-app-pid").getIfExists(true).to().call(0);
  }

  /** Runs on the remote service's worker. */
  @Function
  public static long workerPid(int ignored) {
    return ProcessHandle.current().pid();
  }

  /** One write(2) with O_APPEND: a whole line, visible to other processes at once, never torn. */
  static void append(String file, String line) throws IOException {
    Files.write(Path.of(file), (line + "\n").getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** One job of {@link #spread}: where to record, how many items, and how long each takes. */
  public record Spread(String file, int items, long itemMillis) {}

  /** One item of {@link #spread}. */
  public record Item(String file, int i, long millis) {}

  /**
   * Maps {@link #slowItem} over {@code items} items and returns the sum of their indices: the map
   * of slow fleet calls that spreads over the nodes with room for it.
   */
  @Application(description = "A map of slow fleet calls (fleet tests)")
  @Function(timeout = "10m")
  static long spread(Spread job) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < job.items(); i++) {
      items.add(new Item(job.file(), i, job.itemMillis()));
    }
    long sum = 0;
    for (long v : Weft.fn(FleetApp::slowItem).map(items).result()) {
      sum += v;
    }
    return sum;
  }

  /** Records {@code item <i> <pid> <begin ms> <end ms>} after working {@code millis}; returns i. */
  @Function(placement = Placement.FLEET, cpus = 1, memory = "16m", timeout = "5m")
  static long slowItem(Item item) throws IOException, InterruptedException {
    long begin = System.currentTimeMillis();
    Thread.sleep(item.millis());
    append(item.file(), "item " + item.i() + " " + pid() + " " + begin + " " + System.currentTimeMillis());
    return item.i();
  }
}

package dev.weft.cli;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * The application {@link CrashRecoveryTest} kills a server in the middle of: a map over many
 * children, each of which records its side effects ({@code start i}, then {@code done i}) in a
 * file before it returns. At most {@link #PARALLEL} children run at once, so a request of 120
 * takes about a second and a kill lands among running, finished and unstarted children.
 */
public final class CrashApp {
  /** How many children run at once. */
  static final int PARALLEL = 4;

  private static final Semaphore RUNNING = new Semaphore(PARALLEL);

  private CrashApp() {}

  /** Where the children record their side effects, and how many there are. */
  public record Job(String file, int items) {}

  /** One child's work. */
  public record Item(String file, int index) {}

  /** Maps {@link #child} over {@code 0..items-1}; the output is each index squared, in order. */
  @Application(description = "Runs many side-effecting children (for the crash-recovery test)")
  @Function(timeout = "5m")
  static Future<List<Integer>> run(Job job) {
    List<Item> items = IntStream.range(0, job.items()).mapToObj(i -> new Item(job.file(), i)).toList();
    return Weft.fn(CrashApp::child).map(items);
  }

  /**
   * Appends {@code start i}, works 20..40 ms, appends {@code done i}, returns {@code i * i}. Each
   * line ends with the wall-clock milliseconds it was written at.
   */
  @Function(timeout = "5m")
  static int child(Item item) throws InterruptedException, IOException {
    RUNNING.acquire();
    try {
      append(item.file(), "start " + item.index() + " " + System.currentTimeMillis());
      Thread.sleep(20 + (item.index() * 7) % 21);
      append(item.file(), "done " + item.index() + " " + System.currentTimeMillis());
      return item.index() * item.index();
    } finally {
      RUNNING.release();
    }
  }

  /** One write(2) with O_APPEND: a whole line, visible to other processes at once, never torn. */
  private static void append(String file, String line) throws IOException {
    Files.write(Path.of(file), (line + "\n").getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }
}

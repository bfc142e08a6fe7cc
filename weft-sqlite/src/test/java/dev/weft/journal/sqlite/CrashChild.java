package dev.weft.journal.sqlite;

import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestLog;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process a crash test kills: it writes through a journal and halts (no shutdown hooks, no
 * close), as a killed process would. Arguments: the file, the mode, the request id.
 *
 * <ul>
 *   <li>{@code create}: halts right after {@code create} returned.
 *   <li>{@code calls}: records three calls, flushes, halts.
 *   <li>{@code storm}: records calls without end on two threads; the parent kills it (-9).
 *   <li>{@code hold}: keeps the journal open (and locked) for a minute; the parent kills it.
 * </ul>
 */
final class CrashChild {
  private CrashChild() {}

  static final DurableId ROOT = DurableId.root("crash");

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String mode = args[1];
    String id = args[2];
    SqliteJournal journal = SqliteJournal.open(file);
    RequestLog log = journal.create(new NewRequest(id, "crash", id + "-input", String.class, Optional.empty()));
    switch (mode) {
      case "create" -> {
        System.out.println("created");
        System.out.flush();
      }
      case "calls" -> {
        for (int i = 0; i < 3; i++) {
          DurableId call = ROOT.child(i, 'c', "f");
          log.started(call, Optional.of(ROOT), "f", new Object[] {i}, new Type[] {int.class});
          log.completed(call, "f", i * 10, int.class);
        }
        log.attemptFailed(ROOT.child(3, 'c', "f"), "f", 1, new IllegalStateException("flaky"), true);
        journal.flush();
        System.out.println("flushed");
        System.out.flush();
      }
      case "storm" -> {
        for (int t = 0; t < 2; t++) {
          int base = t * 100_000_000;
          Thread.ofPlatform().daemon(true).start(() -> {
            for (int i = 0; ; i++) {
              DurableId call = ROOT.child(base + i, 'c', "f");
              log.started(call, Optional.of(ROOT), "f", new Object[] {i}, new Type[] {int.class});
              log.completed(call, "f", i, int.class);
              if (i % 500 == 499) {
                pause(); // about the pace of real calls, so the queue stays short
              }
            }
          });
        }
        Thread.sleep(100);
        journal.flush();
        System.out.println("storming");
        System.out.flush();
        Thread.sleep(60_000);
      }
      case "hold" -> {
        System.out.println("holding");
        System.out.flush();
        Thread.sleep(60_000);
      }
      default -> throw new IllegalArgumentException(mode);
    }
    Runtime.getRuntime().halt(0);
  }

  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

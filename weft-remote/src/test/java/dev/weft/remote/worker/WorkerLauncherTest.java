package dev.weft.remote.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher records to start a worker again from any process, and what it quotes when one fails. */
final class WorkerLauncherTest {
  @TempDir Path dir;

  @Test
  void absoluteClassPath_makesEveryEntryAbsolute_keepingWildcardsAndTheEmptyEntry() {
    Path base = Path.of("/srv/app");
    String cp = String.join(File.pathSeparator, "lib/a.jar", "classes", "", "/opt/x.jar", "deps/*", "../up/b.jar");

    assertThat(WorkerLauncher.absoluteClassPath(cp, base).split(File.pathSeparator)).containsExactly(
        "/srv/app/lib/a.jar", "/srv/app/classes", "/srv/app", "/opt/x.jar", "/srv/app/deps/*", "/srv/up/b.jar");
  }

  @Test
  void tail_fromAnOffset_quotesOnlyWhatFollows() throws Exception {
    Path log = dir.resolve("x-0.log");
    Files.writeString(log, "an earlier run\n");
    long from = Files.size(log);
    Files.writeString(log, "this run\n", java.nio.file.StandardOpenOption.APPEND);

    assertThat(WorkerLauncher.tail(log, from)).isEqualTo("this run");
  }
}

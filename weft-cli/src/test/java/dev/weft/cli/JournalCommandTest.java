package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.journal.NewRequest;
import dev.weft.journal.sqlite.SqliteJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft journal check} and {@code weft journal backup}, also beside a running server. */
final class JournalCommandTest {
  @TempDir Path dir;

  @Test
  void backup_whileAServerRuns_writesACheckedCopyThatChecksOk() throws IOException, InterruptedException {
    Path data = dir.resolve("data");
    Path copy = dir.resolve("backup.db");
    try (ServerProcess server = ServerProcess.start(data)) {
      Cli.Result invoked = Cli.run("invoke", "CliTestApps.countTo", "3", "--wait", "--server", server.url().toString());
      assertThat(invoked.exitCode()).as(invoked.err()).isZero();

      Cli.Result backup = Cli.run("journal", "backup", copy.toString(), "--data", data.toString());
      Cli.Result again = Cli.run("journal", "backup", copy.toString(), "--data", data.toString());
      Cli.Result check = Cli.run("journal", "check", "--data", data.toString());

      assertThat(backup.exitCode()).as(backup.err()).isZero();
      assertThat(backup.out()).startsWith("backed up " + data.resolve("weft.db").toAbsolutePath() + " to " + copy)
          .contains(": 1 request(s) (0 running)");
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.err()).contains("already exists; a backup never overwrites");
      assertThat(check.exitCode()).as(check.err()).isZero();
      assertThat(check.out()).startsWith("ok: ").contains("1 request(s)");
    }
    Path restored = dir.resolve("restored");
    Files.createDirectories(restored);
    Files.copy(copy, restored.resolve("weft.db"));
    Cli.Result checkCopy = Cli.run("journal", "check", "--data", restored.toString());
    assertThat(checkCopy.exitCode()).as(checkCopy.err()).isZero();
    assertThat(checkCopy.out()).contains("1 request(s) (0 running)");
  }

  @Test
  void check_journalLooksReset_listsTheProblemAndExitsFour() throws IOException {
    Path data = dir.resolve("data");
    Path file = data.resolve("weft.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      journal.create(new NewRequest("r1", "app", 1, Integer.class, Optional.empty()));
    }
    Files.write(file, new byte[0]); // as if truncated; check never opens it for writing, so it stays so

    Cli.Result check = Cli.run("journal", "check", "--data", data.toString());

    assertThat(check.exitCode()).isEqualTo(4);
    assertThat(check.out()).contains("problem: THE JOURNAL " + file.toAbsolutePath() + " LOOKS RESET");
    assertThat(check.err().lines()).containsExactly("weft: the journal " + file.toAbsolutePath()
        + " has 1 problem(s); restore it from a backup (docs/JOURNAL.md, Backup and restore)");
  }

  @Test
  void check_noJournal_exitsFourNamingTheFile() {
    Cli.Result check = Cli.run("journal", "check", "--data", dir.resolve("nowhere").toString());

    assertThat(check.exitCode()).isEqualTo(4);
    assertThat(check.err().lines()).containsExactly("weft: there is no journal at "
        + dir.resolve("nowhere").resolve("weft.db").toAbsolutePath() + "; --data names the directory that holds weft.db");
  }
}

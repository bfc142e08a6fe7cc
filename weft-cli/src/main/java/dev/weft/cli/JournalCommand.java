package dev.weft.cli;

import dev.weft.WeftException;
import dev.weft.journal.sqlite.SqliteJournal;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft journal check} and {@code weft journal backup FILE}: the operator's tools for the
 * journal of a data directory. Both open the file on a connection of their own and never take the
 * journal's lock, so they work while a server runs on it.
 */
@Command(
    name = "journal",
    description = "Check or back up the journal (weft.db) of a data directory, also while a server runs on it.",
    subcommands = {JournalCommand.Check.class, JournalCommand.Backup.class})
final class JournalCommand {

  /** The --data option both subcommands share. */
  static final class DataOption {
    @Option(
        names = "--data",
        paramLabel = "<dir>",
        defaultValue = ServerCommand.DEFAULT_DATA,
        description = "Data directory of the server, the one that holds " + ServerCommand.JOURNAL_FILE
            + " (default: ${DEFAULT-VALUE}).")
    Path data;

    Path journalFile() {
      Path file = data.resolve(ServerCommand.JOURNAL_FILE).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new CommandFailure(CommandFailure.JOURNAL_UNUSABLE, "there is no journal at " + file
            + "; --data names the directory that holds " + ServerCommand.JOURNAL_FILE);
      }
      return file;
    }
  }

  @Command(
      name = "check",
      description = {
        "Check the journal: SQLite's full integrity check, the requests it holds, and whether it looks reset "
            + "(it holds fewer requests than it once had: its file or its -wal file was deleted or replaced).",
        "Prints 'ok: ...' on standard output, or each problem found."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the journal is sound", "4:it is damaged, looks reset, or is missing"})
  static final class Check implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DataOption data = new DataOption();

    @Override
    public Integer call() {
      Path file = data.journalFile();
      SqliteJournal.Check check;
      try {
        check = SqliteJournal.check(file);
      } catch (WeftException e) {
        throw new CommandFailure(CommandFailure.JOURNAL_UNUSABLE, e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (check.ok()) {
        out.println(String.format(Locale.ROOT, "ok: %s: %d request(s) (%d running), %d call(s), schema version %d",
            file, check.requests(), check.running(), check.calls(), check.schemaVersion()));
        out.flush();
        return 0;
      }
      check.problems().forEach(p -> out.println("problem: " + p));
      out.flush();
      throw new CommandFailure(CommandFailure.JOURNAL_UNUSABLE, "the journal " + file + " has " + check.problems().size()
          + " problem(s); restore it from a backup (docs/JOURNAL.md, Backup and restore)");
    }
  }

  @Command(
      name = "backup",
      description = {
        "Copy the journal to FILE, consistently and while a server may be writing it: one snapshot of weft.db "
            + "and its WAL (copying weft.db alone misses what the WAL holds). The copy is checked before it is "
            + "put in place.",
        "Restore: stop the server, move weft.db, weft.db-wal and weft.db-shm aside, copy the backup to weft.db, "
            + "start the server."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the backup was written and checked",
        "1:the copy failed",
        "2:FILE already exists (a backup never overwrites)",
        "4:there is no journal in --data"
      })
  static final class Backup implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DataOption data = new DataOption();

    @Parameters(index = "0", paramLabel = "FILE", description = "The new file to write the backup to.")
    private Path target;

    @Override
    public Integer call() {
      Path file = data.journalFile();
      Path to = target.toAbsolutePath().normalize();
      if (Files.exists(to)) {
        throw CommandFailure.usage(to + " already exists; a backup never overwrites, give it a new name");
      }
      SqliteJournal.Check copy;
      try {
        copy = SqliteJournal.backup(file, to);
      } catch (WeftException e) {
        throw new CommandFailure(ExitCode.SOFTWARE, e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(String.format(Locale.ROOT, "backed up %s to %s: %d request(s) (%d running), %d call(s)", file, to,
          copy.requests(), copy.running(), copy.calls()));
      out.flush();
      return 0;
    }
  }
}

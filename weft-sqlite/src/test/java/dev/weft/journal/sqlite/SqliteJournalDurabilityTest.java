package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.WeftException;
import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives closing, reopening and killing the process; the schema's version check. */
final class SqliteJournalDurabilityTest {
  static final DurableId ROOT = DurableId.root("app");

  @TempDir Path dir;

  @Test
  void closeAndOpenAgain_keepsRequestsCallsFailuresProgressAndOutputs() {
    Path file = dir.resolve("j.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      RequestLog log = journal.create(new NewRequest("r1", "app", 1, Integer.class, Optional.of("r1")));
      log.started(ROOT.child(0, 'c', "f"), Optional.of(ROOT), "f", new Object[] {1}, new Type[] {int.class});
      log.completed(ROOT.child(0, 'c', "f"), "f", "one", String.class);
      log.attemptFailed(ROOT.child(1, 'c', "f"), "f", 1, new IllegalStateException("x"), true);
      log.progress(new ProgressUpdate(1, 2, "half", Instant.ofEpochMilli(1_000)));
      RequestLog done = journal.create(new NewRequest("r2", "app", 2, Integer.class, Optional.empty()));
      done.finished(RequestState.SUCCEEDED, 20, Integer.class, Optional.empty());
    }
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("r1");
      RequestInfo info = journal.info("r1").orElseThrow();
      assertThat(info.progress()).contains(new ProgressUpdate(1, 2, "half", Instant.ofEpochMilli(1_000)));
      RequestLog log = journal.reopen("r1").orElseThrow();
      assertThat(log.input(Integer.class)).isEqualTo(1);
      assertThat(log.find(ROOT.child(0, 'c', "f"), String.class)).contains(new RequestLog.Recorded("one"));
      assertThat(log.find(ROOT.child(1, 'c', "f"), String.class)).isEmpty();
      assertThat(log.failedAttempts(ROOT.child(1, 'c', "f"))).isOne();
      assertThat(journal.output("r2", Integer.class)).contains(20);
      assertThat(journal.info("r2").orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
      RequestLog repeat = journal.create(new NewRequest("r1", "app", 1, Integer.class, Optional.of("r1")));
      assertThat(repeat.isNew()).isFalse();
    }
  }

  @Test
  void crash_rightAfterCreateReturned_theRequestIsInTheFile() throws Exception {
    Path file = dir.resolve("crash.db");
    Process child = child(file, "create", "req-1");
    assertThat(readLine(child)).isEqualTo("created");
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    try (SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("req-1");
      assertThat(journal.reopen("req-1").orElseThrow().input(String.class)).isEqualTo("req-1-input");
    }
  }

  @Test
  void crash_afterAFlush_theCallsServeTheResumedRequest() throws Exception {
    Path file = dir.resolve("crash.db");
    Process child = child(file, "calls", "req-2");
    assertThat(readLine(child)).isEqualTo("flushed");
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    try (SqliteJournal journal = SqliteJournal.open(file)) {
      RequestLog log = journal.reopen("req-2").orElseThrow();
      for (int i = 0; i < 3; i++) {
        assertThat(log.find(CrashChild.ROOT.child(i, 'c', "f"), int.class)).contains(new RequestLog.Recorded(i * 10));
      }
      assertThat(log.failedAttempts(CrashChild.ROOT.child(3, 'c', "f"))).isOne();
    }
  }

  @Test
  void crash_killedWhileWritingHard_theFileOpensWholeWithEveryCallComplete() throws Exception {
    Path file = dir.resolve("storm.db");
    Process child = child(file, "storm", "req-3");
    assertThat(readLine(child)).isEqualTo("storming");
    child.destroyForcibly(); // SIGKILL: mid-transaction, mid-fsync
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    try (SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("req-3");
      assertThat(Sql.strings(file, "PRAGMA integrity_check")).containsExactly("ok");
      long calls = Sql.count(file, "SELECT count(*) FROM calls");
      assertThat(calls).isPositive();
      // Started and completed travel together, so no call is left half-written by a torn batch.
      assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE state = 'SUCCEEDED' AND output IS NULL")).isZero();
    }
  }

  @Test
  void open_newFile_isAtTheLatestSchemaVersion() {
    Path file = dir.resolve("fresh.db");
    SqliteJournal.open(file).close();
    assertThat(Sql.count(file, "SELECT max(version) FROM schema_version")).isEqualTo(Schema.LATEST);
    assertThat(Sql.strings(file, "PRAGMA journal_mode")).containsExactly("wal");
    SqliteJournal.open(file).close(); // and opens again without migrating twice
    assertThat(Sql.count(file, "SELECT count(*) FROM schema_version")).isEqualTo(Schema.MIGRATIONS.size());
  }

  @Test
  void open_versionOneFile_migratesToTheIdempotencyHash_andItsKeysStillAnswer() {
    Path file = dir.resolve("v1.db");
    for (String sql : Schema.MIGRATIONS.get(0).statements()) {
      Sql.execute(file, sql);
    }
    Sql.execute(file, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        + "applied_at INTEGER NOT NULL)");
    Sql.execute(file, "INSERT INTO schema_version VALUES (1, 'requests and calls', 0)");
    Sql.execute(file, "INSERT INTO requests (id, application, input, idempotency_key, state, created_at) "
        + "VALUES ('k', 'app', '1', 'k', 'RUNNING', 0)");

    try (SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(Sql.count(file, "SELECT max(version) FROM schema_version")).isEqualTo(2);
      NewRequest again = new NewRequest("k", "app", 1, Integer.class, Optional.of("k"));
      assertThat(journal.create(again).isNew()).isFalse();
      assertThatThrownBy(() -> journal.create(new NewRequest("k", "other", 1, Integer.class, Optional.of("k"))))
          .isInstanceOf(dev.weft.IdempotencyKeyReusedException.class);
    }
  }

  @Test
  void open_fileOfANewerSchema_failsSayingSo() {
    Path file = dir.resolve("newer.db");
    SqliteJournal.open(file).close();
    Sql.execute(file, "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 0)");

    assertThatThrownBy(() -> SqliteJournal.open(file)).isInstanceOf(WeftException.class)
        .hasMessageContaining("schema version 99").hasMessageContaining("newer Weft")
        .hasMessageContaining("up to " + Schema.LATEST);
  }

  @Test
  void open_databaseOfSomethingElse_failsSayingSo() {
    Path file = dir.resolve("other.db");
    Sql.execute(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    assertThatThrownBy(() -> SqliteJournal.open(file)).isInstanceOf(WeftException.class)
        .hasMessageContaining("not a Weft journal");
  }

  @Test
  void open_fileThatIsNotADatabase_failsNamingIt() throws IOException {
    Path file = dir.resolve("text.db");
    Files.writeString(file, "this is not a database, but it is long enough to have a header of sorts".repeat(20));
    assertThatThrownBy(() -> SqliteJournal.open(file)).isInstanceOf(WeftException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void durabilityNormal_alsoKeepsWhatWasClosed() {
    Path file = dir.resolve("normal.db");
    SqliteJournal.Options normal = SqliteJournal.Options.defaults().withDurability(SqliteJournal.Durability.NORMAL);
    try (SqliteJournal journal = SqliteJournal.open(file, normal)) {
      journal.create(new NewRequest("r1", "app", 1, Integer.class, Optional.empty()))
          .completed(ROOT.child(0, 'c', "f"), "f", 1, int.class);
    }
    try (SqliteJournal journal = SqliteJournal.open(file, normal)) {
      assertThat(journal.reopen("r1").orElseThrow().find(ROOT.child(0, 'c', "f"), int.class))
          .contains(new RequestLog.Recorded(1));
    }
  }

  static Process child(Path file, String mode, String id) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
        CrashChild.class.getName(), file.toString(), mode, id));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  static String readLine(Process p) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null) {
      throw new AssertionError("the child exited with " + waitQuietly(p) + " before saying anything");
    }
    return line;
  }

  static int waitQuietly(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}

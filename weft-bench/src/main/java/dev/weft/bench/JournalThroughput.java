package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Request;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.DurableId;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestLog;
import dev.weft.journal.sqlite.SqliteJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * Throughput of the embedded SQLite journal: how many journaled calls per second a request can
 * make, next to what plain sqlite-jdbc does on the same disk in the same run.
 *
 * <p>Not JMH: each round is one long operation (hundreds of thousands of rows and their fsyncs).
 * Run from the repository root after {@code mvn -B -q -DskipTests install}:
 *
 * <pre>{@code
 * java -cp weft-bench/target/benchmarks.jar dev.weft.bench.JournalThroughput
 * java -Dcalls=200000 -Dwarmup=1 -Drounds=3 -Dthreads=8 -Ddir=/tmp -Dphases=raw-sqlite,weft-sqlite \
 *     -cp weft-bench/target/benchmarks.jar dev.weft.bench.JournalThroughput
 * }</pre>
 *
 * <p>Phases, interleaved round by round, each on a fresh file in {@code dir} (default the
 * temporary directory), deleted after the round:
 * <ul>
 *   <li>{@code raw-sqlite} (the baseline): plain sqlite-jdbc, WAL, {@code synchronous=FULL}; one
 *       prepared {@code INSERT} of rows shaped like the journal's {@code calls} rows (same table
 *       definition, ids, arguments and output), a commit every 1,000 rows. Rows per second.
 *   <li>{@code raw-sqlite-pk}: the same with the rows keyed by {@code (request_id, durable_id)}
 *       ({@code WITHOUT ROWID}): since durable ids are hashes, every insert lands at a random
 *       place in the tree. This is why the journal's table is in append order instead.
 *   <li>{@code spi}: {@code threads} platform threads call {@code started} and {@code completed}
 *       on one request's log for {@code calls} calls in all, then {@link SqliteJournal#flush()}:
 *       calls per second until all are committed.
 *   <li>{@code weft-sqlite}: an {@code @Application} that maps {@code calls} trivial calls
 *       ({@code Weft.fn(Trivial::twice).map(items)}) and sums them, on a runtime whose journal is a
 *       {@link SqliteJournal} with default options (FULL). Timed from submit to the result, and
 *       from submit to the flush that makes every record durable; calls per second counts the
 *       map's items (each a journaled call: a started and a completed record).
 *   <li>{@code weft-memory}: the same request on the default {@link InMemoryJournal}, for what the
 *       engine costs without a file.
 * </ul>
 *
 * <p>Each line also shows the process's CPU time per call (or row): on a shared machine the
 * throughput moves with the neighbours' load, the CPU cost much less.
 *
 * <p>The goal: {@code weft-sqlite} at least 30,000 journaled calls per second (durable).
 */
public final class JournalThroughput {
  private JournalThroughput() {}

  /** The measured request: a map of trivial calls, summed inside the application. */
  @Application
  @Function
  static long mapTwice(List<Integer> items) {
    long sum = 0;
    for (int v : Weft.fn(Trivial::twice).map(items).result()) {
      sum += v;
    }
    return sum;
  }

  /** The journal's calls table (append order, one request's rows together). */
  static final List<String> CALLS_TABLE = List.of("""
      CREATE TABLE calls (
        seq             INTEGER PRIMARY KEY,
        request_id      TEXT    NOT NULL,
        durable_id      TEXT    NOT NULL,
        parent_id       TEXT,
        function        TEXT    NOT NULL,
        arguments       TEXT,
        state           TEXT    NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        output          TEXT,
        error           TEXT,
        started_at      INTEGER,
        finished_at     INTEGER
      )""", "CREATE INDEX calls_by_request ON calls (request_id)");

  /** The same rows keyed by (request_id, durable_id): every insert lands at a random place. */
  static final List<String> CALLS_TABLE_PK = List.of("""
      CREATE TABLE calls (
        seq             INTEGER NOT NULL,
        request_id      TEXT    NOT NULL,
        durable_id      TEXT    NOT NULL,
        parent_id       TEXT,
        function        TEXT    NOT NULL,
        arguments       TEXT,
        state           TEXT    NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        output          TEXT,
        error           TEXT,
        started_at      INTEGER,
        finished_at     INTEGER,
        PRIMARY KEY (request_id, durable_id)
      ) WITHOUT ROWID""");

  /** One round's figure and the note printed beside it. */
  private record Result(double perSecond, String note) {}

  @FunctionalInterface
  private interface Phase {
    Result run(Path file, int calls, int threads) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int calls = Integer.getInteger("calls", 200_000);
    int warmup = Integer.getInteger("warmup", 1);
    int rounds = Integer.getInteger("rounds", 3);
    int threads = Integer.getInteger("threads", 4);
    Path dir = Path.of(System.getProperty("dir", System.getProperty("java.io.tmpdir")));

    Map<String, Phase> phases = new LinkedHashMap<>();
    phases.put("raw-sqlite", (f, n, t) -> rawSqlite(f, n, CALLS_TABLE));
    phases.put("raw-sqlite-pk", (f, n, t) -> rawSqlite(f, n, CALLS_TABLE_PK));
    phases.put("spi", JournalThroughput::spi);
    phases.put("weft-sqlite", JournalThroughput::weftSqlite);
    phases.put("weft-memory", JournalThroughput::weftMemory);
    String only = System.getProperty("phases");
    if (only != null) {
      phases.keySet().retainAll(List.of(only.split(",")));
    }

    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "java %s (%s), %d CPUs, max heap %d MiB%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), rt.availableProcessors(), rt.maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "files in %s (%s); %,d calls per round, %d SPI threads, %d warm-up and %d "
        + "measured rounds%n%n", dir.toAbsolutePath(), Files.getFileStore(dir).type(), calls, threads, warmup, rounds);

    Map<String, List<Double>> samples = new LinkedHashMap<>();
    phases.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
    for (int r = 0; r < warmup + rounds; r++) {
      boolean measured = r >= warmup;
      for (var phase : phases.entrySet()) {
        Path roundDir = Files.createTempDirectory(dir, "weft-journal-bench");
        try {
          System.gc();
          long cpu0 = processCpuNanos();
          Result result = phase.getValue().run(roundDir.resolve("journal.db"), calls, threads);
          double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / calls;
          System.out.printf(Locale.ROOT, "%-8s %-13s %,10.0f /s  cpu %5.1f us each  %s%n",
              measured ? "round " + (r - warmup + 1) : "warm-up", phase.getKey(), result.perSecond(), cpuMicros,
              result.note());
          if (measured) {
            samples.get(phase.getKey()).add(result.perSecond());
          }
        } finally {
          deleteTree(roundDir);
        }
      }
    }

    System.out.printf(Locale.ROOT, "%n| phase | unit | median | min..max |%n|---|---|---:|---:|%n");
    for (var e : samples.entrySet()) {
      List<Double> s = new ArrayList<>(e.getValue());
      Collections.sort(s);
      String unit = e.getKey().startsWith("raw-") ? "rows/s" : "calls/s";
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %,.0f..%,.0f |%n", e.getKey(), unit, s.get(s.size() / 2),
          s.get(0), s.get(s.size() - 1));
    }
    System.exit(0);
  }

  // ------------------------------------------------------------------------------ phases

  static Result rawSqlite(Path file, int rows, List<String> ddl) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode = WAL");
        st.execute("PRAGMA synchronous = FULL");
        for (String sql : ddl) {
          st.execute(sql);
        }
      }
      c.setAutoCommit(false);
      DurableId root = DurableId.root("bench");
      String rootHex = root.toString();
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO calls (seq, request_id, durable_id, parent_id, "
          + "function, arguments, state, failed_attempts, output, error, started_at, finished_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          long now = System.currentTimeMillis();
          ps.setLong(1, i + 1);
          ps.setString(2, "7c9e6679-7425-40de-944b-e07fc1f90ae7");
          ps.setString(3, hex(root.child(i, 'i', "Trivial.twice")));
          ps.setString(4, rootHex);
          ps.setString(5, "Trivial.twice");
          ps.setString(6, "[" + i + "]");
          ps.setString(7, "SUCCEEDED");
          ps.setInt(8, 0);
          ps.setString(9, Integer.toString(2 * i));
          ps.setNull(10, java.sql.Types.VARCHAR);
          ps.setLong(11, now);
          ps.setLong(12, now);
          ps.executeUpdate();
          if (i % 1_000 == 999) {
            c.commit();
          }
        }
        c.commit();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      return new Result(rows / secs, String.format(Locale.ROOT, "%,d rows in %.2f s, %,d commits", rows, secs,
          (rows + 999) / 1_000));
    }
  }

  static Result spi(Path file, int calls, int threads) throws Exception {
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      RequestLog log = journal.create(new NewRequest("bench", "bench", 0, Integer.class, Optional.empty()));
      DurableId root = DurableId.root("bench");
      Type[] argTypes = {int.class};
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      int per = calls / threads;
      for (int t = 0; t < threads; t++) {
        int base = t * per;
        workers.add(Thread.ofPlatform().start(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = base; i < base + per; i++) {
            DurableId call = root.child(i, 'i', "Trivial.twice");
            if (log.find(call, int.class).isPresent()) {
              throw new AssertionError("recorded before it ran: " + call);
            }
            log.started(call, Optional.of(root), "Trivial.twice", new Object[] {i}, argTypes);
            log.failedAttempts(call);
            log.completed(call, "Trivial.twice", 2 * i, int.class);
          }
        }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Thread w : workers) {
        w.join();
      }
      long enqueued = System.nanoTime() - t0;
      journal.flush();
      double secs = (System.nanoTime() - t0) / 1e9;
      SqliteJournal.Stats stats = journal.stats();
      return new Result(per * threads / secs, String.format(Locale.ROOT,
          "%,d calls durable in %.2f s (all recorded after %.2f s); %s", per * threads, secs, enqueued / 1e9,
          describe(stats)));
    }
  }

  static Result weftSqlite(Path file, int calls, int threads) {
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      Result r = request(journal, calls);
      long t0 = System.nanoTime();
      journal.flush();
      double flush = (System.nanoTime() - t0) / 1e9;
      double durable = r.perSecond() > 0 ? calls / (calls / r.perSecond() + flush) : 0;
      return new Result(durable, String.format(Locale.ROOT, "%s, +%.3f s to flush; %s; file %,d KiB", r.note(),
          flush, describe(journal.stats()), size(file) >> 10));
    }
  }

  static Result weftMemory(Path file, int calls, int threads) {
    return request(new InMemoryJournal(), calls);
  }

  private static Result request(Journal journal, int calls) {
    List<Integer> items = IntStream.range(0, calls).boxed().toList();
    long expected = 0;
    for (int i : items) {
      expected += 2L * i;
    }
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      long t0 = System.nanoTime();
      Request<Long> request = runtime.submit(Weft.fn(JournalThroughput::mapTwice), items);
      long sum = request.result();
      double secs = (System.nanoTime() - t0) / 1e9;
      if (sum != expected) {
        throw new AssertionError("summed " + sum + ", expected " + expected);
      }
      return new Result(calls / secs, String.format(Locale.ROOT, "%,d calls, result after %.2f s", calls, secs));
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** CPU time of the whole process: on a shared machine, the cost that does not depend on the neighbours. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String describe(SqliteJournal.Stats stats) {
    return String.format(Locale.ROOT, "%,d records in %,d commits (%,.0f per commit), %,d rows inserted, %,d "
        + "updated", stats.records(), stats.commits(), stats.commits() == 0 ? 0.0 : (double) stats.records()
        / stats.commits(), stats.callInserts(), stats.callUpdates());
  }

  private static String hex(DurableId id) {
    return id.toString();
  }

  private static long size(Path file) {
    long total = 0;
    for (String suffix : List.of("", "-wal", "-shm")) {
      try {
        total += Files.size(Path.of(file + suffix));
      } catch (IOException e) {
        // not there
      }
    }
    return total;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Collections.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.journal.sqlite.SqliteJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The three peer shapes of {@code ../shared/peers/README.md} ({@link Harness}: (a) p50/p99 of a
 * 3-step request run sequentially, (b) requests/s of 10-step requests with 16 clients, (c) one
 * request fanning out to 1,000 children and summing) with Weft on {@link PostgresJournal}, and
 * (b) again with the clients spread over 1, 2 and 3 nodes (runtimes with journals of their own
 * on the same schema, in this process: what coordination through the database costs). A request
 * counts as done only when its finish is committed: after its result, the client waits for
 * {@link PostgresJournal#flush()} (the finish is queued before the result is shown, so the flush
 * covers it). DBOS Transact runs the same shapes from {@code ../shared/peers/dbos}
 * ({@code run-peer.sh dbos}) on the same database server; its figures go beside these.
 *
 * <p>Each run uses a fresh schema ({@code bench_<random>}) in {@code -Ddb} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) and drops it at the end. Run from
 * the repository root after {@code mvn -B -q -DskipTests package}:
 *
 * <pre>{@code
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp weft-bench/target/benchmarks.jar dev.weft.bench.FleetShapes
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Dshapes=latency -Dwarmup=50 -Dn=100 -Dnodes=1,2,3 \
 *     -cp weft-bench/target/benchmarks.jar dev.weft.bench.FleetShapes
 * }</pre>
 *
 * <p>Options: those of {@link Harness}, plus {@code -Ddb=<url>}, {@code -Dnodes=1,2,3} (the node
 * counts of the extra throughput rows; empty for none) and {@code -Dbaseline=sqlite|none} (shapes
 * (a) and (b) on the embedded SQLite journal in the same run, to tell the database's cost from the
 * machine's load).
 */
public final class FleetShapes {
  private FleetShapes() {}

  @Function
  static long inc(long x) {
    return x + 1;
  }

  @Function
  static long twice(int i) {
    return 2L * i;
  }

  /** (a): {@code latSteps} durable steps in sequence. */
  @Application
  @Function
  static long latencySteps(int x) {
    long v = x;
    for (int s = 0; s < Harness.LAT_STEPS; s++) {
      v = Weft.fn(FleetShapes::inc).call(v);
    }
    return v;
  }

  /** (b): {@code steps} durable steps in sequence. */
  @Application
  @Function
  static long throughputSteps(int x) {
    long v = x;
    for (int s = 0; s < Harness.STEPS; s++) {
      v = Weft.fn(FleetShapes::inc).call(v);
    }
    return v;
  }

  /** (c): n children in parallel (a map), summed. */
  @Application
  @Function
  static long fanOut(int n) {
    List<Long> parts = Weft.fn(FleetShapes::twice).map(IntStream.range(0, n).boxed().toList()).result();
    long sum = 0;
    for (long p : parts) {
      sum += p;
    }
    return sum;
  }

  private static final Fn1<Integer, Long> LATENCY = Weft.fn(FleetShapes::latencySteps);
  private static final Fn1<Integer, Long> THROUGHPUT = Weft.fn(FleetShapes::throughputSteps);
  private static final Fn1<Integer, Long> FAN_OUT = Weft.fn(FleetShapes::fanOut);

  /**
   * One node: a journal of its own (own node id, own writer and pool) and a runtime on it;
   * {@code flush} waits for the journal's queued records.
   */
  private record Node(Journal journal, Runnable flush, WeftRuntime runtime) implements AutoCloseable {
    @Override
    public void close() {
      runtime.close();
      journal.close();
    }
  }

  /** Runs Weft's rows (see the class comment), then prints the summary table. */
  public static void main(String[] args) throws Exception {
    System.setProperty("peer", "");
    runWeft(System.getProperty("db", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
    Harness.summary();
    System.exit(0);
  }

  /** Weft's rows, added to {@link Harness#ROWS}; {@code peer} must be set to "" before {@link Harness} loads. */
  static void runWeft(String url) throws Exception {
    String schema = "bench_" + Long.toHexString(System.nanoTime() & 0xFFFFFFFFL);
    List<Integer> nodeCounts = new ArrayList<>();
    for (String s : System.getProperty("nodes", "1,2,3").split(",")) {
      if (!s.isBlank()) {
        nodeCounts.add(Integer.parseInt(s.trim()));
      }
    }
    String settings = settings(url);
    try {
      Harness.header("Weft " + "on PostgreSQL " + PostgresJournal.Options.defaults(url).redactedUrl() + " schema "
          + schema + " (" + settings + ")");
      try (Node node = node(url, schema, "node-1")) {
        if (Harness.wants("latency")) {
          Harness.latency("Weft (PostgresJournal)", i -> run(node, LATENCY, i),
              i -> i + (long) Harness.LAT_STEPS);
        }
        if (Harness.wants("throughput")) {
          Harness.throughput("Weft (PostgresJournal)", i -> run(node, THROUGHPUT, i),
              i -> i + (long) Harness.STEPS);
        }
        if (Harness.wants("fanout")) {
          Harness.fanout("Weft (PostgresJournal)", i -> run(node, FAN_OUT, i),
              Harness.fanSum(Harness.FANOUT));
        }
      }
      if (Harness.wants("throughput")) {
        for (int count : nodeCounts) {
          List<Node> nodes = new ArrayList<>();
          try {
            for (int n = 0; n < count; n++) {
              nodes.add(node(url, schema, "fleet-" + count + "-" + n));
            }
            AtomicInteger turn = new AtomicInteger();
            Harness.throughput(String.format(Locale.ROOT, "Weft (PostgresJournal), %d node%s", count,
                count == 1 ? "" : "s"), i -> run(nodes.get(Math.floorMod(turn.getAndIncrement(), count)),
                THROUGHPUT, i), i -> i + (long) Harness.STEPS);
          } finally {
            nodes.forEach(Node::close);
          }
        }
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
    if (!"none".equals(System.getProperty("baseline", "sqlite"))) {
      sqliteBaseline();
    }
  }

  private static Node node(String url, String schema, String id) {
    PostgresJournal journal = PostgresJournal.open(PostgresJournal.Options.defaults(url).withSchema(schema)
        .withNodeId(id).withPoolSize(Math.max(4, Harness.CLIENTS)));
    return new Node(journal, journal::flush, WeftRuntime.builder().journal(journal).build());
  }

  /**
   * The baseline in the same run ({@code -Dbaseline=sqlite}, the default; {@code none} skips it):
   * shapes (a) and (b) on the embedded SQLite journal, on this machine's disk, flushed the same way.
   */
  private static void sqliteBaseline() throws Exception {
    Path dir = Files.createTempDirectory("weft-fleet-shapes");
    SqliteJournal journal = SqliteJournal.open(dir.resolve("journal.db"));
    try (Node node = new Node(journal, journal::flush, WeftRuntime.builder().journal(journal).build())) {
      if (Harness.wants("latency")) {
        Harness.latency("Weft (SqliteJournal, baseline)", i -> run(node, LATENCY, i),
            i -> i + (long) Harness.LAT_STEPS);
      }
      if (Harness.wants("throughput")) {
        Harness.throughput("Weft (SqliteJournal, baseline)", i -> run(node, THROUGHPUT, i),
            i -> i + (long) Harness.STEPS);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Submits, waits for the result, then for the commit of the finish. */
  private static long run(Node node, Fn1<Integer, Long> app, int input) {
    long out = node.runtime().submit(app, input).result();
    node.flush().run();
    return out;
  }

  private static String settings(String url) {
    StringBuilder sb = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String s : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method")) {
        try (ResultSet rs = st.executeQuery("SHOW " + s)) {
          rs.next();
          sb.append(sb.isEmpty() ? "" : " ").append(s).append('=').append(rs.getString(1));
        }
      }
    } catch (Exception e) {
      return "settings unknown: " + e.getMessage();
    }
    return sb.toString();
  }
}

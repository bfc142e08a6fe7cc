package dev.weft.bench;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Workflow;
import dev.dbos.transact.workflow.WorkflowHandle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Weft on PostgreSQL ({@link FleetShapes}) and DBOS Transact Java side by side, the three shapes
 * of {@link Harness} in one run on the same PostgreSQL server: Weft's rows first, then DBOS's,
 * then one table. DBOS is driven as {@code ../shared/peers/dbos/.../Bench.java} drives it: a
 * durable step is {@code dbos.runStep} inside a {@code @Workflow}; the fan-out parent starts
 * 1,000 child workflows with {@code dbos.startWorkflow} and sums their results. DBOS gets its own
 * database ({@code -Ddbos.db}, default {@code peers_dbos}), dropped and made again at each run.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests package -pl weft-bench/weft-bench-peers -am
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *     -jar weft-bench/weft-bench-peers/target/peers.jar
 * # options: those of Harness and FleetShapes, plus -Dpeers=weft,dbos -Dpg=127.0.0.1:5432
 * }</pre>
 */
public final class PeerShapes {
  private PeerShapes() {}

  /** The DBOS workflows, as in the peers project. */
  public interface Flows {
    long steps(int x, int n);

    long fanOut(int n);

    long child(int i);
  }

  /** Their implementation; DBOS calls it through a proxy ({@code self}) so children are workflows. */
  public static final class FlowsImpl implements Flows {
    private final DBOS dbos;
    private Flows self;

    FlowsImpl(DBOS dbos) {
      this.dbos = dbos;
    }

    void setSelf(Flows self) {
      this.self = self;
    }

    @Override
    @Workflow(name = "steps")
    public long steps(int x, int n) {
      long v = x;
      for (int s = 0; s < n; s++) {
        final long cur = v;
        v = dbos.runStep(() -> cur + 1, "inc");
      }
      return v;
    }

    @Override
    @Workflow(name = "fanOut")
    public long fanOut(int n) {
      List<WorkflowHandle<Long, RuntimeException>> handles = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        final int item = i;
        handles.add(dbos.startWorkflow(() -> self.child(item)));
      }
      long sum = 0;
      for (var h : handles) {
        sum += h.getResult();
      }
      return sum;
    }

    @Override
    @Workflow(name = "child")
    public long child(int i) {
      return 2L * i;
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("peer", "");
    String host = System.getProperty("pg", "127.0.0.1:5432");
    List<String> peers = List.of(System.getProperty("peers", "weft,dbos").split(","));
    if (peers.contains("weft")) {
      FleetShapes.runWeft(System.getProperty("db", "jdbc:postgresql://" + host + "/test?user=postgres"));
    }
    if (peers.contains("dbos")) {
      runDbos(host, System.getProperty("dbos.db", "peers_dbos"));
    }
    Harness.summary();
    System.exit(0);
  }

  static void runDbos(String host, String db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + db);
    }
    DBOSConfig config = DBOSConfig.defaults("peers-bench")
        .withDatabaseUrl("jdbc:postgresql://" + host + "/" + db)
        .withDbUser("postgres")
        .withDbPassword("")
        .withAppVersion("bench")
        .withAdminServer(false);
    String label = "DBOS " + DBOS.version();
    try (DBOS dbos = new DBOS(config)) {
      FlowsImpl impl = new FlowsImpl(dbos);
      Flows flows = dbos.registerProxy(Flows.class, impl);
      impl.setSelf(flows);
      dbos.launch();
      Harness.header(label + " on PostgreSQL " + host + "/" + db + ", HikariCP pool 10 (DBOS default)");
      if (Harness.wants("latency")) {
        Harness.latency(label, i -> flows.steps(i, Harness.LAT_STEPS), i -> i + (long) Harness.LAT_STEPS);
      }
      if (Harness.wants("throughput")) {
        Harness.throughput(label, i -> flows.steps(i, Harness.STEPS), i -> i + (long) Harness.STEPS);
      }
      if (Harness.wants("fanout")) {
        Harness.fanout(label, flows::fanOut, Harness.fanSum(Harness.FANOUT));
      }
    }
  }
}

package dev.weft.fleet;

import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Endpoint;
import dev.weft.remote.ServiceSpec;
import dev.weft.remote.worker.WorkerLauncher;
import dev.weft.remote.worker.WorkerNetwork;
import dev.weft.transport.JsonCodec;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;

/**
 * Remote services of a fleet: a {@link ComputeBackend} whose registry is two tables in the
 * journal's PostgreSQL schema ({@code services}, {@code service_replicas}), so that a service
 * deployed through one node is found and called through any other, on any host.
 *
 * <p>{@link #deploy} starts the replicas as worker JVMs on this node's machine (with this JVM's
 * class path), listening on this node's {@link WorkerNetwork}: HTTPS with a bearer token to be
 * reachable from other hosts. {@link #find} reads the rows and checks each replica's health over
 * the network. {@link #recover} of a replica whose worker is gone starts a new one on the
 * recovering node (the row's owner becomes that node; the new worker has a new token and pid).
 * {@link #teardown} stops replicas on any host through their shutdown endpoint and deletes the
 * rows. Deploy, recover and teardown of one name hold a PostgreSQL advisory lock on it, so two
 * nodes deploying one name at once end with one service.
 *
 * <p>The rows hold the workers' tokens: whoever can read the schema can call the workers, so
 * the database is the fleet's trust root. A replica restarted on another node runs with the
 * launch recorded at deploy time ({@code java} and class path as on the deploying node): nodes
 * that recover each other's services need the same Java and application paths.
 *
 * <p>Thread-safe. Every operation blocks: on PostgreSQL (connection timeout of the journal's pool),
 * on workers' health checks, and (deploy, recover) on starting workers within
 * {@link Compute#launchTimeout()}. PostgreSQL failures are {@link JournalUnavailableException}s.
 */
public final class FleetCompute implements ComputeBackend {
  private static final JsonCodec JSON = JsonCodec.standard();

  private final DataSource db;
  private final String schema;
  private final String services;
  private final String replicas;
  private final String nodeId;
  private final WorkerLauncher launcher;

  private FleetCompute(DataSource db, String schema, String nodeId, WorkerLauncher launcher) {
    this.db = db;
    this.schema = schema;
    String s = '"' + schema.replace("\"", "\"\"") + '"';
    this.services = s + ".services";
    this.replicas = s + ".service_replicas";
    this.nodeId = nodeId;
    this.launcher = launcher;
  }

  /**
   * The fleet's services as this node sees them: rows in {@code journal}'s schema; workers started
   * here listen on {@code network}, their logs and spec files under {@code workDir}.
   */
  public static FleetCompute of(PostgresJournal journal, WorkerNetwork network, Path workDir) {
    Objects.requireNonNull(journal, "journal");
    return new FleetCompute(journal.dataSource(), journal.schema(), journal.nodeId(),
        WorkerLauncher.of(workDir, network));
  }

  /** The node whose workers this instance starts, as in the rows' {@code owner}. */
  public String nodeId() {
    return nodeId;
  }

  private record Row(int replica, Endpoint endpoint, String owner) {}

  private record Registration(ServiceSpec spec, WorkerLauncher.Launch launch, String logFile, List<Row> rows) {
    DeployedService service() {
      return new DeployedService(spec, rows.stream().map(Row::endpoint).toList(), logFile);
    }
  }

  // ---- the four operations ----

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting) {
    return deploy(spec, compute, reuseExisting, List.of());
  }

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting, List<Path> classPath) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(compute, "compute");
    if (compute.gpus() > 0) {
      throw new DeploymentException("the fleet back end cannot provide GPUs (asked for " + compute.gpus()
          + " for service '" + spec.name() + "'); deploy with gpus(0)");
    }
    return locked(spec.name(), c -> {
      Optional<Registration> existing = healthy(c, spec.name());
      if (existing.isPresent()) {
        ServiceSpec running = existing.get().spec();
        if (reuseExisting) {
          if (!running.target().equals(spec.target()) || !running.className().equals(spec.className())) {
            throw new DeploymentException("service '" + spec.name() + "' is running " + running.target()
                + ", not " + spec.target() + "; tear it down first, or deploy under another name");
          }
          return existing.get().service();
        }
        stop(c, existing.get());
      }
      WorkerLauncher.Launch launch = WorkerLauncher.launch(spec, compute, classPath);
      List<CompletableFuture<Endpoint>> starting = new ArrayList<>();
      for (int i = 0; i < compute.replicas(); i++) {
        int replica = i;
        starting.add(CompletableFuture.supplyAsync(() -> launcher.start(spec, replica, launch),
            command -> Thread.ofVirtual().name("weft-fleet-start-" + spec.name() + "-" + replica).start(command)));
      }
      List<Row> rows = new ArrayList<>();
      DeploymentException failed = null;
      for (CompletableFuture<Endpoint> f : starting) {
        try {
          Endpoint e = f.join();
          rows.add(new Row(e.replica(), e, nodeId));
        } catch (CompletionException e) {
          failed = e.getCause() instanceof DeploymentException d ? d
              : new DeploymentException(e.getCause().toString(), e.getCause());
        }
      }
      if (failed != null) {
        rows.forEach(r -> launcher.stop(r.endpoint(), true));
        throw failed;
      }
      Registration reg = new Registration(spec, launch, launcher.logFile(spec.name(), 0).toString(), rows);
      write(c, reg);
      return reg.service();
    });
  }

  @Override
  public Optional<DeployedService> find(String name) {
    Objects.requireNonNull(name, "name");
    try (Connection c = db.getConnection()) {
      Optional<Registration> reg = read(c, name);
      if (reg.isEmpty() || reg.get().rows().stream().noneMatch(this::answers)) {
        return Optional.empty(); // none answers: a deploy replaces it; recover restarts single ones
      }
      return Optional.of(reg.get().service());
    } catch (SQLException e) {
      throw unavailable("find service '" + name + "'", e);
    }
  }

  @Override
  public Endpoint recover(DeployedService service, int replica) {
    String name = service.name();
    return locked(name, c -> {
      Registration reg = read(c, name).orElseThrow(() -> new DeploymentException("service '" + name
          + "' was torn down (its rows in schema " + schema + " are gone); deploy it again"));
      Row row = reg.rows().stream().filter(r -> r.replica() == replica).findFirst().orElseThrow(
          () -> new DeploymentException("service '" + name + "' has no replica " + replica));
      if (answers(row)) {
        return row.endpoint();
      }
      // Alive but not answering (hung), or gone: stop what may be left before its replacement
      // starts, so that no worker runs that nothing calls or tears down.
      if (row.owner().equals(nodeId)) {
        WorkerLauncher.kill(row.endpoint().pid());
      } else {
        launcher.stop(row.endpoint(), false);
      }
      Endpoint fresh = launcher.start(reg.spec(), replica, reg.launch());
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + replicas
          + " SET uri = ?, token = ?, pid = ?, owner = ?, updated_at = now() WHERE name = ? AND replica = ?")) {
        ps.setString(1, fresh.uri().toString());
        ps.setString(2, fresh.token());
        ps.setLong(3, fresh.pid());
        ps.setString(4, nodeId);
        ps.setString(5, name);
        ps.setInt(6, replica);
        ps.executeUpdate();
      } catch (SQLException e) {
        launcher.stop(fresh, true);
        throw e;
      }
      return fresh;
    });
  }

  @Override
  public List<DeployedService> list() {
    List<String> names = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT name FROM " + services + " ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw unavailable("list the services", e);
    }
    List<DeployedService> running = new ArrayList<>();
    for (String name : names) {
      find(name).ifPresent(running::add);
    }
    return running;
  }

  @Override
  public void teardown(String name) {
    Objects.requireNonNull(name, "name");
    locked(name, c -> {
      Optional<Registration> reg = read(c, name);
      if (reg.isPresent()) {
        stop(c, reg.get());
      }
      return null;
    });
  }

  // ---- workers ----

  private boolean answers(Row row) {
    return launcher.answers(row.endpoint(), row.owner().equals(nodeId));
  }

  /** Stops every replica, wherever it runs, and deletes the service's rows. */
  private void stop(Connection c, Registration reg) throws SQLException {
    List<Thread> stopping = new ArrayList<>();
    for (Row r : reg.rows()) {
      stopping.add(Thread.ofVirtual().name("weft-fleet-stop-" + reg.spec().name()).start(
          () -> launcher.stop(r.endpoint(), r.owner().equals(nodeId))));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeploymentException("interrupted while stopping service '" + reg.spec().name() + "'", e);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + services + " WHERE name = ?")) {
      ps.setString(1, reg.spec().name());
      ps.executeUpdate();
    }
  }

  // ---- the tables ----

  private Optional<Registration> healthy(Connection c, String name) throws SQLException {
    Optional<Registration> reg = read(c, name);
    if (reg.isPresent() && reg.get().rows().stream().noneMatch(this::answers)) {
      stop(c, reg.get());
      return Optional.empty();
    }
    return reg;
  }

  private Optional<Registration> read(Connection c, String name) throws SQLException {
    ServiceSpec spec;
    WorkerLauncher.Launch launch;
    String logFile;
    try (PreparedStatement ps = c.prepareStatement("SELECT spec, launch, log_file FROM " + services + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        try {
          spec = (ServiceSpec) JSON.decode(rs.getString(1), ServiceSpec.class);
          launch = (WorkerLauncher.Launch) JSON.decode(rs.getString(2), WorkerLauncher.Launch.class);
        } catch (RuntimeException e) {
          throw new DeploymentException("the row of service '" + name + "' in " + services + " cannot be read ("
              + e.getMessage() + "); a newer Weft may have written it, or tear the service down", e);
        }
        logFile = rs.getString(3);
      }
    }
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT replica, uri, token, pid, owner FROM " + replicas
        + " WHERE name = ? ORDER BY replica")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int replica = rs.getInt(1);
          rows.add(new Row(replica, new Endpoint(URI.create(rs.getString(2)), rs.getString(3), replica, rs.getLong(4)),
              rs.getString(5)));
        }
      }
    }
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Registration(spec, launch, logFile, rows));
  }

  private void write(Connection c, Registration reg) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + services + " WHERE name = ?")) {
        ps.setString(1, reg.spec().name());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + services
          + " (name, spec, launch, log_file, created_by) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, reg.spec().name());
        ps.setString(2, JSON.encode(reg.spec(), ServiceSpec.class));
        ps.setString(3, JSON.encode(reg.launch(), WorkerLauncher.Launch.class));
        ps.setString(4, reg.logFile());
        ps.setString(5, nodeId);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + replicas
          + " (name, replica, uri, token, pid, owner) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Row r : reg.rows()) {
          ps.setString(1, reg.spec().name());
          ps.setInt(2, r.replica());
          ps.setString(3, r.endpoint().uri().toString());
          ps.setString(4, r.endpoint().token());
          ps.setLong(5, r.endpoint().pid());
          ps.setString(6, r.owner());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private interface Locked<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code body} holding the name's advisory lock (a session lock on a connection of its
   * own, released before the connection goes back to the pool): deploy, recover and teardown of one
   * name take turns across every node of the fleet.
   */
  private <T> T locked(String name, Locked<T> body) {
    try (Connection c = db.getConnection()) {
      long key;
      try (PreparedStatement ps = c.prepareStatement("SELECT hashtextextended(?, 0)")) {
        ps.setString(1, "weft-service " + schema + " " + name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          key = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        ps.setLong(1, key);
        ps.execute();
      }
      try {
        return body.run(c);
      } finally {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          ps.setLong(1, key);
          ps.execute();
        }
      }
    } catch (SQLException e) {
      throw unavailable("lock service '" + name + "'", e);
    }
  }

  private static JournalUnavailableException unavailable(String what, SQLException e) {
    return new JournalUnavailableException("could not " + what + " in PostgreSQL: " + e.getMessage(), e);
  }
}

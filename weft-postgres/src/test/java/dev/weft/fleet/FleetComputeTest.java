package dev.weft.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.weft.Function;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.remote.Compute;
import dev.weft.remote.DeployedService;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Endpoint;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.remote.worker.WorkerMain;
import dev.weft.remote.worker.WorkerNetwork;
import dev.weft.transport.Tls;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's remote services on the real PostgreSQL, with real worker JVMs serving HTTPS on a
 * non-loopback address of this machine: two {@link FleetCompute}s (nodes a and b, each with a
 * journal of its own on one schema) deploy, find, call, recover and tear down each other's services.
 */
final class FleetComputeTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  @TempDir static Path tls;
  static String ip;
  static Path cert;
  static Path key;

  @TempDir Path work;
  private final String schema = "fleetc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<FleetCompute> backends = new ArrayList<>();
  private FleetCompute a;
  private FleetCompute b;

  @Function
  public static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  @Function
  public static int twice(int x) {
    return 2 * x;
  }

  /** A self-signed certificate for the first non-loopback IPv4 address, which callers trust through weft.tls.ca. */
  @BeforeAll
  static void certificate() throws Exception {
    ip = nonLoopbackIpv4().orElse(null);
    assumeThat(ip).as("a non-loopback IPv4 address on this machine").isNotNull();
    cert = tls.resolve("worker-cert.pem");
    key = tls.resolve("worker-key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
        key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=weft-worker-test",
        "-addext", "subjectAltName=IP:" + ip).redirectErrorStream(true).start();
    String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(openssl.waitFor()).as(out).isZero();
    System.setProperty("weft.tls.ca", cert.toString()); // read once, on this JVM's first HTTPS call to a worker
  }

  @BeforeEach
  void nodes() {
    a = backend("a");
    b = backend("b");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (FleetCompute f : backends) {
      for (DeployedService s : f.list()) {
        f.teardown(s.name());
      }
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void deploy_throughA_isFoundAndCalledThroughBOverTls() {
    RemoteFn1<Integer, Integer> deployed = Remote.fn(FleetComputeTest::twice).name("twice").backend(a).to();

    RemoteFn1<Integer, Integer> found = Remote.fn(FleetComputeTest::twice).name("twice").backend(b).existing().orElseThrow();
    Endpoint e = b.find("twice").orElseThrow().replicas().get(0);

    assertThat(e.uri().toString()).startsWith("https://" + ip + ":");
    assertThat(found.call(21)).isEqualTo(42);
    assertThat(deployed.call(5)).isEqualTo(10);
    assertThat(rows("twice")).containsExactly("0 a " + e.pid() + " " + e.uri());
  }

  @Test
  void call_throughNodeBInAnotherProcess_afterTheWorkerIsKilled_restartsItOnBAndAReachesTheNewWorker() throws Exception {
    Remote.fn(FleetComputeTest::pid).name("pid").backend(a).to();
    long first = a.find("pid").orElseThrow().replicas().get(0).pid();
    assertThat(otherNode("b-process").call()).isEqualTo(first); // found and called over TLS from another process
    OtherNode b = otherNode("b-process"); // holds the service's handle, as a caller does when its worker dies

    ProcessHandle worker = ProcessHandle.of(first).orElseThrow();
    worker.destroyForcibly(); // SIGKILL
    worker.onExit().get(10, TimeUnit.SECONDS);
    long second = b.call();

    assertThat(second).isNotEqualTo(first);
    Endpoint now = a.find("pid").orElseThrow().replicas().get(0);
    assertThat(now.pid()).isEqualTo(second);
    assertThat(rows("pid")).containsExactly("0 b-process " + second + " " + now.uri());
    RemoteFn1<Integer, Long> throughA = Remote.fn(FleetComputeTest::pid).name("pid").backend(a).existing().orElseThrow();
    assertThat(throughA.call(0)).isEqualTo(second);
  }

  @Test
  void call_throughB_afterTheWorkerIsKilled_restartsItOnB() throws Exception {
    Remote.fn(FleetComputeTest::pid).name("pid").backend(a).to();
    RemoteFn1<Integer, Long> throughB = Remote.fn(FleetComputeTest::pid).name("pid").backend(b).existing().orElseThrow();
    long first = throughB.call(0); // leaves a pooled TLS connection to the worker
    ProcessHandle worker = ProcessHandle.of(first).orElseThrow();

    worker.destroyForcibly(); // SIGKILL
    worker.onExit().get(10, TimeUnit.SECONDS);
    long second = throughB.call(0);

    assertThat(second).isNotEqualTo(first);
    assertThat(rows("pid")).singleElement().asString().startsWith("0 b " + second + " https://" + ip + ":");
  }

  @Test
  void deploy_ofOneNameFromTwoNodesAtOnce_endsWithOneService() {
    CompletableFuture<RemoteFn1<Integer, Long>> fromA =
        Remote.fn(FleetComputeTest::pid).name("racing").getIfExists(true).backend(a).toAsync(Compute.defaults());
    CompletableFuture<RemoteFn1<Integer, Long>> fromB =
        Remote.fn(FleetComputeTest::pid).name("racing").getIfExists(true).backend(b).toAsync(Compute.defaults());

    long viaA = fromA.join().call(0);
    long viaB = fromB.join().call(0);

    assertThat(viaA).isEqualTo(viaB);
    assertThat(rows("racing")).hasSize(1).first().asString().contains(" " + viaA + " ");
    assertThat(count("SELECT count(*) FROM " + schema + ".services")).isEqualTo(1);
  }

  @Test
  void deploy_ofOneNameFromTwoNodesAtOnceReplacing_endsWithOneServiceAndNoWorkerLeftOver() throws Exception {
    CompletableFuture<RemoteFn1<Integer, Long>> fromA =
        Remote.fn(FleetComputeTest::pid).name("replacing").backend(a).toAsync(Compute.defaults());
    CompletableFuture<RemoteFn1<Integer, Long>> fromB =
        Remote.fn(FleetComputeTest::pid).name("replacing").backend(b).toAsync(Compute.defaults());
    List<Long> started = new ArrayList<>(fromA.join().processIds());
    started.addAll(fromB.join().processIds());

    long running = fromA.join().call(0); // the one that deployed first calls the one that replaced it

    assertThat(fromB.join().call(0)).isEqualTo(running);
    assertThat(rows("replacing")).singleElement().asString().contains(" " + running + " ");
    for (long pid : started) {
      if (pid != running) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent()) {
          p.get().onExit().get(15, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void teardown_throughB_stopsTheWorkersAStartedAndDeletesTheRows() throws Exception {
    RemoteFn1<Integer, Long> deployed = Remote.fn(FleetComputeTest::pid).name("gone").backend(a).to(Compute.builder().replicas(2).build());
    List<Long> pids = deployed.processIds();

    b.teardown("gone");

    for (long pid : pids) {
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isPresent()) {
        p.get().onExit().get(15, TimeUnit.SECONDS);
      }
    }
    assertThat(count("SELECT count(*) FROM " + schema + ".services")).isZero();
    assertThat(count("SELECT count(*) FROM " + schema + ".service_replicas")).isZero();
    assertThat(a.find("gone")).isEmpty();
  }

  @Test
  void worker_askedToListenBeyondLoopbackWithoutTls_refusesWithAClearMessage() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), WorkerMain.class.getName(), work.resolve("none.spec.json").toString(), "0",
        work.resolve("none.endpoint.json").toString(), "0", "1").redirectErrorStream(true);
    pb.environment().put("WEFT_WORKER_TOKEN", "t0k3n");
    pb.environment().put("WEFT_WORKER_BIND", ip);
    Process worker = pb.start();
    String out = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(worker.waitFor()).isEqualTo(2);
    assertThat(out).contains("refusing plain HTTP on " + ip + ", beyond loopback").contains("WEFT_WORKER_TLS_CERT")
        .contains("WEFT_WORKER_INSECURE=true");
    assertThat(Files.exists(work.resolve("none.endpoint.json"))).isFalse();
  }

  @Test
  void worker_requestWithAWrongToken_is401() throws Exception {
    Remote.fn(FleetComputeTest::twice).name("guarded").backend(a).to();
    Endpoint e = b.find("guarded").orElseThrow().replicas().get(0);
    HttpClient client = HttpClient.newBuilder().sslContext(Tls.clientContext(Optional.of(cert))).build();

    HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(e.uri().resolve("/v1/health"))
        .header("Authorization", "Bearer not-" + e.token()).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> right = client.send(HttpRequest.newBuilder(e.uri().resolve("/v1/health"))
        .header("Authorization", "Bearer " + e.token()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(right.statusCode()).isEqualTo(200);
  }

  @Test
  void workerNetwork_tlsWithAKeyOfAnotherCertificate_failsAtOnceNamingTheFiles() throws Exception {
    Path otherKey = work.resolve("other-key.pem");
    Process openssl = new ProcessBuilder("openssl", "genpkey", "-algorithm", "RSA", "-out", otherKey.toString())
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor()).isZero();

    assertThatThrownBy(() -> WorkerNetwork.tls(ip, ip, cert, otherKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(otherKey.toString()).hasMessageContaining("does not belong to the certificate");
  }

  // ---- helpers ----

  private FleetCompute backend(String node) {
    PostgresJournal journal = PostgresJournal.open(PostgresJournal.Options.defaults(URL).withSchema(schema)
        .withNodeId(node).withPoolSize(4));
    open.add(journal);
    FleetCompute f = FleetCompute.of(journal, WorkerNetwork.tls(ip, ip, cert, key), work.resolve(node));
    backends.add(f);
    return f;
  }

  /** {@link OtherNodeCall} as node {@code node} in a JVM of its own, once it holds the service's handle. */
  private OtherNode otherNode(String node) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dweft.tls.ca=" + cert, "-cp", System.getProperty("java.class.path"), OtherNodeCall.class.getName(), URL, schema,
        node, ip, cert.toString(), key.toString(), work.resolve(node).toString()).redirectErrorStream(true).start();
    open.add(p::destroyForcibly);
    java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.equals("ready")) {
        return new OtherNode(p, out, seen);
      }
    }
    throw new AssertionError("node " + node + " exited with " + p.waitFor() + " before it found the service:\n" + seen);
  }

  private record OtherNode(Process process, java.io.BufferedReader out, StringBuilder seen) {
    /** Tells it to call the service; returns the pid it printed. */
    long call() throws Exception {
      process.getOutputStream().write('\n');
      process.getOutputStream().close();
      for (String line; (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        if (line.startsWith("pid ")) {
          assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
          return Long.parseLong(line.substring(4).strip());
        }
      }
      throw new AssertionError("the other node exited with " + process.waitFor() + " without calling:\n" + seen);
    }
  }

  /** "replica owner pid uri" per replica row of the service. */
  private List<String> rows(String name) {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT replica, owner, pid, uri FROM " + schema + ".service_replicas WHERE name = '"
            + name + "' ORDER BY replica")) {
      while (rs.next()) {
        out.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getString(4));
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private long count(String sql) {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static Optional<String> nonLoopbackIpv4() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          return Optional.of(address.getHostAddress());
        }
      }
    }
    return Optional.empty();
  }
}

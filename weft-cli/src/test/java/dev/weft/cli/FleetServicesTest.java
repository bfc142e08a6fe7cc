package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote services deployed by applications on fleet nodes ({@code weft server --db}) register in
 * PostgreSQL: a second node finds the first node's worker, on a non-loopback address, and
 * {@code weft services --db} lists and stops it (real node processes, real PostgreSQL).
 */
final class FleetServicesTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void remoteService_deployedThroughOneNode_isCalledThroughAnotherAndListedByWeftServices(@TempDir Path dir)
      throws Exception {
    Optional<String> ip = nonLoopbackIpv4();
    assumeThat(ip).as("a non-loopback IPv4 address on this machine").isPresent();
    try (Fleet fleet = new Fleet(dir, Duration.ofSeconds(2))) {
      // Plain HTTP beyond loopback, asked for explicitly (FleetComputeTest covers the workers' TLS).
      ServerProcess one = fleet.start("--worker-host", ip.get(), "--insecure");
      ServerProcess two = fleet.start("--worker-host", ip.get(), "--insecure");

      long viaOne = remotePid(one);
      long viaTwo = remotePid(two);

      assertThat(viaTwo).isEqualTo(viaOne);
      assertThat(fleet.one("SELECT uri FROM %s.service_replicas WHERE name = 'fleet-app-pid'"))
          .hasValueSatisfying(uri -> assertThat(uri).startsWith("http://" + ip.get() + ":"));
      Cli.Result listed = Cli.run("services", "--db", Fleet.URL, "--schema", fleet.schema);
      assertThat(listed.out()).contains("fleet-app-pid").contains(viaOne + "@" + ip.get() + ":");

      Cli.Result down = Cli.run("services", "teardown", "--db", Fleet.URL, "--schema", fleet.schema, "fleet-app-pid");

      assertThat(down.out()).contains("stopped fleet-app-pid");
      Optional<ProcessHandle> worker = ProcessHandle.of(viaOne);
      if (worker.isPresent()) {
        worker.get().onExit().get(15, TimeUnit.SECONDS);
      }
      assertThat(fleet.one("SELECT count(*) FROM %s.service_replicas")).hasValue("0");
    }
  }

  private long remotePid(ServerProcess node) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.url().resolve("/v1/applications/FleetApp.remotePid?wait=true"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("0")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return WeftClient.parse(r.body()).path("output").asLong();
  }

  private static Optional<String> nonLoopbackIpv4() throws java.net.SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return Optional.of(a.getHostAddress());
          }
        }
      }
    }
    return Optional.empty();
  }
}

package dev.weft.remote.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers' network options: what workers are told, their URIs, and bad input. */
final class WorkerNetworkTest {
  @TempDir Path dir;

  @Test
  void loopback_tellsWorkersNothing_andNamesPlainHttpOn127() {
    WorkerNetwork n = WorkerNetwork.loopback();

    assertThat(n.env()).isEmpty();
    assertThat(n.servesTls()).isFalse();
    assertThat(n.uri(40123)).hasToString("http://127.0.0.1:40123");
  }

  @Test
  void insecure_tellsWorkersTheBindAddressAndTheOptIn() {
    WorkerNetwork n = WorkerNetwork.insecure("0.0.0.0", "::1");

    assertThat(n.env()).containsExactlyInAnyOrderEntriesOf(Map.of(WorkerNetwork.BIND_ENV, "0.0.0.0",
        WorkerNetwork.ADVERTISE_ENV, "::1", WorkerNetwork.INSECURE_ENV, "true"));
    assertThat(n.uri(8000)).hasToString("http://[::1]:8000");
  }

  @Test
  void tls_missingCertificate_failsNamingTheFile() {
    Path missing = dir.resolve("missing-cert.pem");

    assertThatThrownBy(() -> WorkerNetwork.tls("0.0.0.0", "10.0.0.5", missing, dir.resolve("key.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS certificate file " + missing + " does not exist");
  }

  @Test
  void blankOrUnresolvableHost_failsSayingWhichHost() {
    assertThatThrownBy(() -> WorkerNetwork.insecure(" ", "10.0.0.5")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bind host is blank");
    assertThatThrownBy(() -> WorkerNetwork.insecure("0.0.0.0", "no-such-host.invalid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("advertised host 'no-such-host.invalid' cannot be resolved");
  }

  @Test
  void worker_refusesPlainHttpBeyondLoopbackUnlessInsecure() throws Exception {
    java.net.InetAddress beyond = java.net.InetAddress.getByName("192.0.2.7");

    assertThatThrownBy(() -> WorkerMain.refusePlainBeyondLoopback(beyond, false, false))
        .hasMessageStartingWith("refusing plain HTTP on 192.0.2.7, beyond loopback");
    WorkerMain.refusePlainBeyondLoopback(beyond, true, false);
    WorkerMain.refusePlainBeyondLoopback(beyond, false, true);
    WorkerMain.refusePlainBeyondLoopback(java.net.InetAddress.getLoopbackAddress(), false, false);
  }

  @Test
  void worker_portFromTheEnvironment_anyFreeOneUnlessGiven() {
    assertThat(WorkerMain.port(Map.of())).isZero();
    assertThat(WorkerMain.port(Map.of(WorkerMain.PORT_ENV, " 8080 "))).isEqualTo(8080);
    assertThatThrownBy(() -> WorkerMain.port(Map.of(WorkerMain.PORT_ENV, "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("WEFT_WORKER_PORT must be a port number 0..65535 (0: any free port); was 'http'");
    assertThatThrownBy(() -> WorkerMain.port(Map.of(WorkerMain.PORT_ENV, "65536")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

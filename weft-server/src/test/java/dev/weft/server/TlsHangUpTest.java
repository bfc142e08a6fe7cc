package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A client that goes away under TLS (its socket closed, no TLS close_notify) is noticed as on plain HTTP. */
final class TlsHangUpTest extends ServerTestSupport {

  @Override
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder.tls(TlsTest.CERT, TlsTest.KEY);
  }

  @Test
  void waitTrue_tlsClientGoesAway_exchangeReleasedWithin2sAndRequestGoesOn() throws Exception {
    Socket plain = new Socket(server.uri().getHost(), server.port());
    SSLSocket tls = (SSLSocket) TlsTest.trusting(TlsTest.CERT).getSocketFactory()
        .createSocket(plain, "localhost", server.port(), true);
    tls.getOutputStream().write(("POST /v1/applications/TestApps.blocks?wait=true HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 1\r\nIdempotency-Key: dropped-tls-wait\r\n\r\n1").getBytes(StandardCharsets.UTF_8));
    tls.getOutputStream().flush();
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    HttpWeftServer impl = (HttpWeftServer) server;
    await().atMost(Duration.ofSeconds(10)).until(() -> impl.activeExchanges() == 1);

    plain.close(); // the socket beneath: as a killed client, no close_notify
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl.activeExchanges() == 0);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    var request = runtime.running("dropped-tls-wait").orElseThrow();
    assertThat(request.done()).isFalse();
    TestApps.release.countDown();
    assertThat(request.result()).isEqualTo(1);
  }
}

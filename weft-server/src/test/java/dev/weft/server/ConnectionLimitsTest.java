package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.Applications;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Header, read and idle timeouts and the connection limit: slow or idle clients cannot starve the server. */
final class ConnectionLimitsTest extends ServerTestSupport {

  @Override
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder.headerTimeout(Duration.ofMillis(800)).readTimeout(Duration.ofMillis(800));
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(server.uri().getHost(), server.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server has closed {@code s}: a read ends the stream (or the connection is reset). */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void builder_timeoutsAndLimitOutOfRange_refusedNamingTheValue() {
    WeftServer.Builder b = WeftServer.builder();

    assertThatThrownBy(() -> b.headerTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("headerTimeout").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.readTimeout(Duration.ofHours(2))).hasMessageContaining("readTimeout must be 100 ms..1 h");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofMillis(-5))).hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> b.maxConnections(0)).hasMessageContaining("maxConnections must be 1..1000000, was 0");
  }

  @Test
  void headerTimeout_headersTrickled_connectionClosed() throws Exception {
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket s = connect()) {
      write(s, "GET /v1/applications HTTP/1.1\r\n");
      trickle.scheduleAtFixedRate(() -> {
        try {
          s.getOutputStream().write('x');
        } catch (IOException e) {
          // closed by the server: what the test waits for
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      long start = System.nanoTime();

      assertThat(closedByServer(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void headerTimeout_idleKeepAliveConnection_notCutByIt() throws Exception {
    try (Socket s = connect()) {
      write(s, "GET /v1/applications HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readRaw(s.getInputStream()).status()).isEqualTo(200);
      // idle for longer than the header timeout, then a whole request at once
      await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
      write(s, "GET /v1/applications HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(readRaw(s.getInputStream()).status()).isEqualTo(200);
    }
  }

  @Test
  void readTimeout_bodyNeverCompletes_408RequestTimeout() throws Exception {
    try (Socket s = connect()) {
      write(s, "POST /v1/applications/TestApps.inc HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12");

      RawResponse r = readRaw(s.getInputStream());

      assertThat(r.status()).isEqualTo(408);
      assertThat(r.json().path("code").asText()).isEqualTo("request_timeout");
      assertThat(r.json().path("message").asText()).contains("800 ms").contains("readTimeout");
      assertThat(closedByServer(s)).isTrue();
    }
    assertThat(get("/v1/requests").json().get("requests")).isEmpty();
  }

  @Test
  void trickling_1000Connections_normalClientStillServed() throws Exception {
    List<Socket> tricklers = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    // A server with the default header timeout (10 s), so the trickling connections stay open
    // for the whole test: the point is that they do not starve anyone while they are held.
    try (WeftServer defaults = WeftServer.builder().applications(Applications.of(TestApps.class)).start()) {
      for (int i = 0; i < 1000; i++) {
        Socket s = new Socket(defaults.uri().getHost(), defaults.port());
        tricklers.add(s);
        write(s, "GET /v1/applications HTTP/1.1\r\nX-Slow: ");
      }
      trickle.scheduleAtFixedRate(() -> tricklers.forEach(s -> {
        try {
          s.getOutputStream().write('a');
        } catch (IOException e) {
          // closed: fine
        }
      }), 0, 200, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> ((HttpWeftServer) defaults).openConnections() >= 1000);

      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        var r = http.send(java.net.http.HttpRequest.newBuilder(defaults.uri().resolve("/v1/applications")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      }
      assertThat(((HttpWeftServer) defaults).openConnections()).isGreaterThanOrEqualTo(1000);
    } finally {
      trickle.shutdownNow();
      for (Socket s : tricklers) {
        s.close();
      }
    }
  }

  @Test
  void maxConnections_reached_nextIsServedOnceOneCloses() throws Exception {
    try (WeftServer small = WeftServer.builder().applications(Applications.of(TestApps.class)).maxConnections(2).start();
        Socket first = new Socket(small.uri().getHost(), small.port());
        Socket second = new Socket(small.uri().getHost(), small.port());
        Socket third = new Socket(small.uri().getHost(), small.port())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> ((HttpWeftServer) small).openConnections() == 2);
      write(third, "GET /v1/applications HTTP/1.1\r\nHost: x\r\n\r\n");
      third.setSoTimeout(500);
      assertThatThrownBy(() -> third.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

      first.close();
      third.setSoTimeout(10_000);

      assertThat(readRaw(third.getInputStream()).status()).isEqualTo(200);
    }
  }

  @Test
  void idleTimeout_silentConnection_closed() throws Exception {
    try (WeftServer quick = WeftServer.builder().applications(Applications.of(TestApps.class))
            .idleTimeout(Duration.ofMillis(300)).start();
        Socket s = new Socket(quick.uri().getHost(), quick.port())) {
      s.setSoTimeout(10_000);
      long start = System.nanoTime();

      assertThat(closedByServer(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}

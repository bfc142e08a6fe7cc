package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The socket client calls go to workers with, against the JDK's HttpServer that workers run. */
final class WorkerHttpTest {
  private HttpServer server;
  private URI base;
  /** The remote ports of the connections the server saw, one per connection. */
  private final Set<Integer> connections = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/fixed", ex -> reply(ex, body -> {
      byte[] b = ("echo " + body + "\n").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    }));
    server.createContext("/chunked", ex -> reply(ex, body -> {
      ex.sendResponseHeaders(200, 0); // the worker's streaming reply: chunks, flushed one by one
      OutputStream out = ex.getResponseBody();
      for (String line : List.of("log \"one\"", "log \"twø\"", "value " + body)) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }));
    server.createContext("/refuse", ex -> reply(ex, body -> {
      byte[] b = "{\"code\":\"unknown_function\",\"message\":\"no such\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(404, b.length);
      ex.getResponseBody().write(b);
    }));
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private interface Handler {
    void handle(String body) throws IOException;
  }

  private void reply(HttpExchange ex, Handler h) throws IOException {
    try (ex) {
      connections.add(ex.getRemoteAddress().getPort());
      h.handle(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String call(WorkerHttp http, URI base, String path, String body) throws IOException {
    try (WorkerHttp.Reply reply = http.post(base, path, Map.of("Weft-Call-Id", "x"), body.getBytes(StandardCharsets.UTF_8))) {
      assertThat(reply.status()).isEqualTo(200);
      String first = reply.readLine();
      reply.drain();
      return first;
    }
  }

  @Test
  void fixedLengthReplies_areReadAndTheConnectionIsKeptForTheNextCall() throws Exception {
    WorkerHttp http = new WorkerHttp();
    for (int i = 0; i < 20; i++) {
      assertThat(call(http, base, "/fixed", "[" + i + "]")).isEqualTo("echo [" + i + "]");
    }
    assertThat(connections).hasSize(1);
  }

  @Test
  void chunkedRepliesAreReadLineByLine_inUtf8_toTheirEnd() throws Exception {
    WorkerHttp http = new WorkerHttp();
    for (int i = 0; i < 3; i++) {
      try (WorkerHttp.Reply reply = http.post(base, "/chunked", Map.of(), "42".getBytes(StandardCharsets.UTF_8))) {
        assertThat(reply.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (String line; (line = reply.readLine()) != null; ) {
          lines.add(line);
        }
        assertThat(lines).containsExactly("log \"one\"", "log \"twø\"", "value 42");
      }
    }
    assertThat(connections).hasSize(1);
  }

  @Test
  void anotherStatusIsReturnedWithItsBody() throws Exception {
    try (WorkerHttp.Reply reply = new WorkerHttp().post(base, "/refuse", Map.of(), new byte[0])) {
      assertThat(reply.status()).isEqualTo(404);
      assertThat(reply.readAll()).contains("unknown_function");
    }
  }

  @Test
  void concurrentCallersEachGetTheirOwnReply() throws Exception {
    WorkerHttp http = new WorkerHttp();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int caller = t;
        all.add(threads.submit(() -> {
          for (int i = 0; i < 50; i++) {
            String body = caller + "-" + i;
            assertThat(call(http, base, i % 2 == 0 ? "/fixed" : "/chunked", body))
                .isEqualTo(i % 2 == 0 ? "echo " + body : "log \"one\"");
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    }
    assertThat(connections.size()).isLessThanOrEqualTo(32);
  }

  @Test
  void aRefusedConnectionIsAConnectException_nothingWasSent() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> new WorkerHttp().post(URI.create("http://127.0.0.1:" + closedPort), "/fixed", Map.of(), new byte[0]))
        .isInstanceOf(ConnectException.class);
  }

  /** A pooled connection that the worker closed fails as a lost reply, never as "refused": it had reached the worker. */
  @Test
  void aPooledConnectionClosedByTheServerFailsAsALostReply_notARefusal() throws Exception {
    try (ServerSocket once = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      URI oneShot = URI.create("http://127.0.0.1:" + once.getLocalPort());
      Thread.ofVirtual().start(() -> {
        try (Socket s = once.accept()) {
          InputStream in = s.getInputStream();
          readRequest(in);
          s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          readRequest(in); // the second request arrives on the kept connection; close without a reply
        } catch (IOException ignored) {
          // the test reads the outcome on the client side
        }
      });
      WorkerHttp http = new WorkerHttp();
      assertThat(call(http, oneShot, "/x", "")).isEqualTo("ok");
      assertThatThrownBy(() -> call(http, oneShot, "/x", "")).isInstanceOf(IOException.class)
          .isNotInstanceOf(ConnectException.class);
    }
  }

  @Test
  void aReplyThatIsNotHttpIsRefusedClearly() throws Exception {
    try (ServerSocket garbage = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = garbage.accept()) {
          readRequest(s.getInputStream());
          s.getOutputStream().write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // the client reports it
        }
      });
      assertThatThrownBy(() -> new WorkerHttp().post(URI.create("http://127.0.0.1:" + garbage.getLocalPort()), "/x",
          Map.of(), new byte[0])).isInstanceOf(IOException.class).hasMessageContaining("not an HTTP reply");
    }
  }

  /** Reads one request with a Content-Length body (as WorkerHttp sends them). */
  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed");
      }
      head.append((char) c);
    }
    String h = head.toString().toLowerCase(java.util.Locale.ROOT);
    int at = h.indexOf("content-length: ");
    int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).trim());
    in.readNBytes(length);
  }
}

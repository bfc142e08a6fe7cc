package dev.weft.bench;

import com.sun.net.httpserver.HttpServer;
import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import dev.weft.server.WeftServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Latency and throughput of the HTTP request API on loopback: {@code N} clients, each on its own
 * virtual thread with its own keep-alive connection, send requests back to back for a fixed time
 * after a warm-up, and every round trip is timed.
 *
 * <p>Not JMH: it measures a client-server system (percentiles of round trips under concurrency),
 * which JMH's per-invocation model does not. Run (from the repository root, after
 * {@code mvn -B -q -DskipTests install}; about three minutes with the defaults):
 *
 * <pre>{@code
 * java -cp weft-bench/target/benchmarks.jar dev.weft.bench.HttpLatency
 * java -Dclients=16 -Dwarmup=5 -Dseconds=20 -Dclient=jdk,raw -Djournal=memory -Dretain=10000 \
 *     -Dphases=baseline-jdk-httpserver,get-applications,post-wait,post-202,in-process \
 *     -cp weft-bench/target/benchmarks.jar dev.weft.bench.HttpLatency
 * }</pre>
 *
 * <p>Phases:
 * <ul>
 *   <li>{@code baseline-jdk-httpserver}: a bare {@code com.sun.net.httpserver.HttpServer} on a
 *       virtual-thread-per-exchange executor answering GET with a fixed 60-byte JSON body: the
 *       floor of this HTTP stack and client on this machine, measured in the same run.
 *   <li>{@code get-applications}: {@code GET /v1/applications} of a {@link WeftServer}: routing,
 *       JSON writing, no request runs (pure server overhead).
 *   <li>{@code post-wait}: {@code POST /v1/applications/HttpLatency.echo?wait=true} with body
 *       {@code 41}: submit (journaled in memory), run a trivial sync application on a virtual
 *       thread, answer with its output, in one round trip. The goal is p50 &le; 2 ms.
 *   <li>{@code post-202}: the same POST without {@code wait}: acknowledged once journaled.
 *   <li>{@code in-process}: {@code runtime.run(echo, 41)} with no HTTP, for the engine's share.
 * </ul>
 *
 * <p>Clients ({@code -Dclient}): {@code jdk} is {@link java.net.http.HttpClient} (HTTP/1.1, one
 * client and so one connection per client thread), as a Java caller would use it; {@code
 * jdk-shared} is one {@code HttpClient} for all threads (it pools the connections); {@code raw} is
 * a minimal blocking HTTP/1.1 client over a {@link Socket}, whose own cost is far smaller, so the
 * figures show the server's. With few cores the client shares the CPU with the server.
 *
 * <p>Journal ({@code -Djournal}): {@code memory} (default; {@code -Dretain} finished requests
 * kept, default 10,000 as in a default server) or {@code sqlite} (a temporary file, defaults).
 */
public final class HttpLatency {
  private HttpLatency() {}

  /** The trivial application: what is measured is the request path, not the work. */
  @Application(description = "Returns its input plus one.")
  @Function
  static int echo(int x) {
    return x + 1;
  }

  /** One client's way of doing a round trip; returns the status code. */
  private interface Client extends AutoCloseable {
    int roundTrip() throws IOException, InterruptedException;

    @Override
    void close();
  }

  /** What a phase sends: method, path and body (null for GET). */
  private record Target(URI base, String method, String path, String body) {}

  public static void main(String[] args) throws Exception {
    int clients = Integer.getInteger("clients", 16);
    int warmup = Integer.getInteger("warmup", 5);
    int seconds = Integer.getInteger("seconds", 20);
    List<String> clientKinds = List.of(System.getProperty("client", "jdk,raw").split(","));
    List<String> phases = List.of(System.getProperty("phases",
        "baseline-jdk-httpserver,get-applications,post-wait,post-202,in-process").split(","));

    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "java %s (%s), %d CPUs, max heap %d MiB, %s %s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
        rt.maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.arch"));
    System.out.printf(Locale.ROOT, "%d clients, %d s warm-up + %d s measured per phase, clients: %s, journal: %s%s%n%n",
        clients, warmup, seconds, String.join(",", clientKinds), System.getProperty("journal", "memory"),
        System.getProperty("journal", "memory").equals("memory") ? " (retain " + Integer.getInteger("retain", 10_000) + ")" : "");

    // -Djournal=memory (default): the default server journal, which keeps the last 10,000
    // finished requests (-Dretain to change that); -Djournal=sqlite: SqliteJournal with its
    // defaults (FULL durability: a POST is answered after its request's commit is fsynced).
    String journalKind = System.getProperty("journal", "memory");
    Journal journal = switch (journalKind) {
      case "memory" -> new InMemoryJournal(Integer.getInteger("retain", 10_000));
      case "sqlite" -> {
        Path dir = Files.createTempDirectory("weft-http-latency");
        System.out.println("journal: SQLite in " + dir);
        yield SqliteJournal.open(dir.resolve("journal.db"));
      }
      default -> throw new IllegalArgumentException("unknown journal " + journalKind + "; use memory or sqlite");
    };
    WeftRuntime runtime = WeftRuntime.builder().journal(journal).build();
    Applications apps = Applications.of(HttpLatency.class);
    HttpServer baseline = baselineServer();
    URI baselineUri = URI.create("http://127.0.0.1:" + baseline.getAddress().getPort() + "/");
    Map<String, Result> results = new LinkedHashMap<>();
    try (WeftServer server = WeftServer.builder().runtime(runtime).journal(journal).applications(apps).start()) {
      for (String kind : clientKinds) {
        for (String phase : phases) {
          Result r;
          if (phase.equals("in-process")) {
            if (!kind.equals(clientKinds.get(0))) {
              continue; // no client involved: measure once
            }
            r = measure(clients, warmup, seconds, () -> inProcess(runtime));
          } else {
            Target target = switch (phase) {
              case "baseline-jdk-httpserver" -> new Target(baselineUri, "GET", "/baseline", null);
              case "get-applications" -> new Target(server.uri(), "GET", "/v1/applications", null);
              case "post-wait" -> new Target(server.uri(), "POST", "/v1/applications/HttpLatency.echo?wait=true", "41");
              case "post-202" -> new Target(server.uri(), "POST", "/v1/applications/HttpLatency.echo", "41");
              default -> throw new IllegalArgumentException("unknown phase " + phase);
            };
            r = measure(clients, warmup, seconds, () -> client(kind, target));
          }
          String name = phase.equals("in-process") ? phase : phase + " (" + kind + ")";
          results.put(name, r);
          System.out.printf(Locale.ROOT, "%-36s %s%n", name, r);
        }
      }
    } finally {
      baseline.stop(0);
      runtime.close();
      journal.close();
    }

    System.out.printf(Locale.ROOT, "%n| phase | requests | req/s | p50 ms | p90 ms | p99 ms | max ms |%n");
    System.out.printf("|---|---:|---:|---:|---:|---:|---:|%n");
    results.forEach((name, r) -> System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.3f | %.3f | %.3f | %.1f |%n",
        name, r.count(), r.perSecond(), r.p(0.50), r.p(0.90), r.p(0.99), r.max()));
    System.exit(0);
  }

  private static HttpServer baselineServer() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    byte[] body = "[{\"name\":\"HttpLatency.echo\",\"description\":\"a fixed reply\"}]".getBytes(StandardCharsets.UTF_8);
    s.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    s.start();
    return s;
  }

  private static Client inProcess(WeftRuntime runtime) {
    var app = Weft.fn(HttpLatency::echo);
    return new Client() {
      @Override
      public int roundTrip() {
        return runtime.run(app, 41) == 42 ? 200 : 500;
      }

      @Override
      public void close() {}
    };
  }

  private static Client client(String kind, Target t) {
    return switch (kind) {
      case "jdk" -> new JdkClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), true, t);
      case "jdk-shared" -> new JdkClient(SHARED.get(), false, t);
      case "raw" -> new RawClient(t);
      default -> throw new IllegalArgumentException("unknown client " + kind + "; use jdk, jdk-shared or raw");
    };
  }

  /** One {@link HttpClient} for every client thread ({@code jdk-shared}); it pools connections. */
  private static final java.util.function.Supplier<HttpClient> SHARED = new java.util.function.Supplier<>() {
    private HttpClient client;

    @Override
    public synchronized HttpClient get() {
      if (client == null) {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      }
      return client;
    }
  };

  /** {@link HttpClient}, HTTP/1.1 (the server does not speak h2c). */
  private static final class JdkClient implements Client {
    private final HttpClient http;
    private final boolean owned;
    private final HttpRequest request;

    JdkClient(HttpClient http, boolean owned, Target t) {
      this.http = http;
      this.owned = owned;
      HttpRequest.Builder b = HttpRequest.newBuilder(t.base().resolve(t.path()));
      this.request = t.body() == null ? b.GET().build()
          : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(t.body())).build();
    }

    @Override
    public int roundTrip() throws IOException, InterruptedException {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    }

    @Override
    public void close() {
      if (owned) {
        http.close();
      }
    }
  }

  /** A minimal keep-alive HTTP/1.1 client: the request bytes prepared once, Content-Length bodies only. */
  private static final class RawClient implements Client {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    RawClient(Target t) {
      StringBuilder r = new StringBuilder()
          .append(t.method()).append(' ').append(t.path()).append(" HTTP/1.1\r\n")
          .append("Host: ").append(t.base().getHost()).append(':').append(t.base().getPort()).append("\r\n");
      if (t.body() != null) {
        byte[] body = t.body().getBytes(StandardCharsets.UTF_8);
        r.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n\r\n").append(t.body());
      } else {
        r.append("\r\n");
      }
      this.request = r.toString().getBytes(StandardCharsets.UTF_8);
      try {
        socket = new Socket(t.base().getHost(), t.base().getPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int roundTrip() throws IOException {
      out.write(request);
      out.flush();
      int status = -1;
      long length = -1;
      StringBuilder line = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\n') {
          line.append((char) c);
          continue;
        }
        String l = line.toString().strip();
        line.setLength(0);
        if (l.isEmpty()) {
          break;
        }
        if (status < 0) {
          status = Integer.parseInt(l.substring(9, 12));
        } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Long.parseLong(l.substring(15).strip());
        }
      }
      if (length < 0) {
        throw new IOException("the raw client reads Content-Length bodies only");
      }
      in.skipNBytes(length);
      return status;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // done with it
      }
    }
  }

  /** Latencies of one phase, in nanoseconds. */
  private record Result(long[] sorted, double seconds) {
    long count() {
      return sorted.length;
    }

    double perSecond() {
      return sorted.length / seconds;
    }

    double p(double q) {
      return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    double max() {
      return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,9d req  %,8.0f req/s  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.1f ms",
          count(), perSecond(), p(0.50), p(0.90), p(0.99), max());
    }
  }

  private interface ClientFactory {
    Client open();
  }

  /** Runs {@code clients} clients for warm-up then measurement; fails on any non-2xx status. */
  private static Result measure(int clients, int warmupSeconds, int seconds, ClientFactory factory) throws Exception {
    long start = System.nanoTime();
    long measureFrom = start + warmupSeconds * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    List<Samples> all = new ArrayList<>();
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        Samples samples = new Samples();
        all.add(samples);
        running.add(threads.submit(() -> {
          try (Client client = factory.open()) {
            while (true) {
              long t0 = System.nanoTime();
              if (t0 >= end) {
                return null;
              }
              int status = client.roundTrip();
              long t1 = System.nanoTime();
              if (status / 100 != 2) {
                throw new IllegalStateException("status " + status);
              }
              if (t0 >= measureFrom) {
                samples.add(t1 - t0);
              }
            }
          }
        }));
      }
      for (var f : running) {
        f.get();
      }
    }
    long[] merged = Samples.mergeSorted(all);
    return new Result(merged, seconds);
  }
}

package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded soak of everything that once starved the server, all against one server: 1,000
 * connections trickling header bytes, 5,000 progress streams whose clients hang up, and 10,000
 * normal {@code ?wait=true} requests from 50 concurrent clients. Afterwards a normal request
 * succeeds, and platform threads, open file descriptors and heap after GC are back within 10% of
 * where they were after a smaller warm-up round of the same. Runs with {@code -Pstress}.
 */
@Tag("stress")
@Timeout(600)
final class SoakTest {
  private static final String HOST = "Host: localhost\r\n";

  record Gauges(int threads, long fds, long heap) {}

  private static Gauges gauges() throws IOException {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    }
    return new Gauges(ManagementFactory.getThreadMXBean().getThreadCount(), fds,
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  /** The gauges once the file descriptor count holds still (closed sockets are released lazily). */
  private static Gauges settled() throws IOException {
    Gauges[] last = {gauges()};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      Gauges now = gauges();
      boolean still = now.fds() == last[0].fds();
      last[0] = now;
      return still;
    });
    return last[0];
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().endsWith(marker)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("stream ended before " + marker + ": " + seen);
      }
      seen.append((char) b);
    }
  }

  /** One round: tricklers held open, dropped progress streams, normal requests. */
  private static void round(HttpWeftServer server, String blockedId, int tricklers, int droppedStreams, int requests,
      int concurrency) throws Exception {
    List<Socket> slow = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < tricklers; i++) {
        Socket s = new Socket(server.uri().getHost(), server.port());
        write(s, "GET /v1/applications HTTP/1.1\r\nX-Slow: ");
        slow.add(s);
      }
      trickle.scheduleAtFixedRate(() -> slow.forEach(s -> {
        try {
          s.getOutputStream().write('a');
        } catch (IOException e) {
          // the header timeout closed it: as it should
        }
      }), 0, 1, TimeUnit.SECONDS);

      AtomicInteger streams = new AtomicInteger();
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        work.add(clients.submit(() -> {
          while (streams.getAndIncrement() < droppedStreams) {
            try (Socket s = new Socket(server.uri().getHost(), server.port())) {
              s.setSoTimeout(30_000);
              write(s, "GET /v1/requests/" + blockedId + "/progress HTTP/1.1\r\n" + HOST
                  + "Accept: text/event-stream\r\n\r\n");
              readUntil(s.getInputStream(), "event: progress\n");
            } // hangs up here
          }
          return null;
        }));
      }
      AtomicInteger sent = new AtomicInteger();
      for (int c = 0; c < concurrency; c++) {
        work.add(clients.submit(() -> {
          try (Socket s = new Socket(server.uri().getHost(), server.port())) {
            s.setSoTimeout(30_000);
            while (sent.getAndIncrement() < requests) {
              write(s, "POST /v1/applications/TestApps.inc?wait=true HTTP/1.1\r\n" + HOST
                  + "Content-Length: 2\r\n\r\n41");
              ServerTestSupport.RawResponse r = ServerTestSupport.readRaw(s.getInputStream());
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              assertThat(r.json().get("output").asInt()).isEqualTo(42);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      trickle.shutdownNow();
      for (Socket s : slow) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> server.openWatches() == 0 && server.activeExchanges() == 0 && server.openConnections() == 0);
  }

  @Test
  void soak_tricklersDroppedStreamsAndLoad_serverRecoversToItsStart() throws Exception {
    TestApps.reset();
    InMemoryJournal journal = new InMemoryJournal(100);
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build();
        WeftServer started = WeftServer.builder().runtime(runtime).journal(journal)
            .applications(Applications.of(TestApps.class)).start()) {
      HttpWeftServer server = (HttpWeftServer) started;
      String blocked = runtime.submit(Applications.of(TestApps.class).find("TestApps.blocks").orElseThrow().handle(), 1)
          .id();
      assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();

      round(server, blocked, 100, 200, 500, 50); // warm-up: classes, pools, carrier threads
      Gauges before = settled();
      long t0 = System.nanoTime();

      round(server, blocked, 1000, 5000, 10_000, 50);

      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      try (Socket s = new Socket(server.uri().getHost(), server.port())) {
        write(s, "GET /v1/applications HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n");
        assertThat(ServerTestSupport.readRaw(s.getInputStream()).status()).isEqualTo(200);
      }
      // Sockets closed by the server are released by the watch thread's next select (within 1 s).
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Gauges g = gauges();
        return g.threads() <= before.threads() * 1.1 && g.fds() <= before.fds() * 1.1;
      });
      Gauges after = gauges();
      System.out.printf("soak: %d s; threads %d -> %d, fds %d -> %d, heap after GC %.1f MB -> %.1f MB%n",
          took.toSeconds(), before.threads(), after.threads(), before.fds(), after.fds(),
          before.heap() / 1e6, after.heap() / 1e6);

      assertThat(after.threads()).isLessThanOrEqualTo((int) (before.threads() * 1.1));
      assertThat(after.fds()).isLessThanOrEqualTo((long) (before.fds() * 1.1));
      assertThat(after.heap()).isLessThanOrEqualTo((long) (before.heap() * 1.1));
    } finally {
      TestApps.release.countDown();
      journal.close();
    }
  }
}

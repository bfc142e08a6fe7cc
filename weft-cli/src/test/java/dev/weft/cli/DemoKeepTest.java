package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft demo --keep} as a real process: it keeps serving the dashboard until it is stopped. */
final class DemoKeepTest {
  private static final String DASHBOARD = "Dashboard: ";

  @Test
  void demo_keep_servesTheDashboardUntilStopped(@TempDir Path data) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), WeftCli.class.getName(),
        "demo", "--keep", "--top", "1", "--data", data.toString()));
    Path stderr = Files.createTempFile("weft-demo-", ".stderr");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI dashboard = URI.create(awaitLine(process, DASHBOARD, stderr).substring(DASHBOARD.length()).strip());
      assertThat(dashboard.getFragment()).startsWith("/requests/demo-");
      String id = dashboard.getFragment().substring("/requests/".length());

      HttpResponse<String> page = http.send(HttpRequest.newBuilder(dashboard).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> request = http.send(HttpRequest.newBuilder(dashboard.resolve("/v1/requests/" + id)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("/dashboard/app.js");
      assertThat(request.statusCode()).isEqualTo(200);
      assertThat(request.body()).contains("\"state\":\"SUCCEEDED\"");
      assertThat(process.isAlive()).isTrue();

      process.destroy(); // SIGTERM, as Ctrl-C would
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
      assertThat(Files.readString(stderr)).contains("weft demo: stopping the server");
      assertThat(data.resolve(ServerCommand.JOURNAL_FILE)).exists(); // --data is kept
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void demo_keepWithDb_exitsTwo() {
    Cli.Result result = Cli.run("demo", "--keep", "--db", "postgresql://127.0.0.1:1/none");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--keep keeps the embedded server");
  }

  /** The first line of standard output that starts with {@code prefix}, within 90 s. */
  private static String awaitLine(Process process, String prefix, Path stderr) throws IOException, InterruptedException {
    LinkedBlockingQueue<String> lines = ServerProcess.stdoutLines(process);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !process.isAlive()) {
        break;
      }
    }
    throw new AssertionError("weft demo --keep printed no '" + prefix + "' line; stderr:\n" + Files.readString(stderr));
  }
}

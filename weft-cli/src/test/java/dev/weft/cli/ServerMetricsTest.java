package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft server --metrics} as a real process: /metrics only with the option, /health always. */
final class ServerMetricsTest {

  @Test
  void server_withMetrics_servesPrometheusTextOfWhatRan(@TempDir Path data) throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(data, "--metrics");
        HttpClient http = HttpClient.newHttpClient()) {
      Cli.Result invoked = Cli.run("invoke", "CliTestApps.countTo", "3", "--wait", "--server", server.url().toString());
      assertThat(invoked.out()).contains("\"sum\" : 6");

      HttpResponse<String> metrics = get(http, server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
      assertThat(metrics.body()).contains("# TYPE weft_calls_started_total counter")
          .containsPattern("weft_requests_started_total\\{application=\"CliTestApps.countTo\"\\} 1(\\.0)?\n")
          .contains("weft_journal_commit_latency_seconds_count{journal=\"sqlite\"}");
      assertThat(get(http, server, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void server_withoutMetrics_answers404SayingHowAndStillHealth(@TempDir Path data) throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(data);
        HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> metrics = get(http, server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(404);
      assertThat(metrics.body()).contains("metrics_disabled").contains("--metrics");
      HttpResponse<String> health = get(http, server, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"ready\":true");
    }
  }

  private static HttpResponse<String> get(HttpClient http, ServerProcess server, String path)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(server.url().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}

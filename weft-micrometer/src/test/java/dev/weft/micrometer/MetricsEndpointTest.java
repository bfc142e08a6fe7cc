package dev.weft.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.server.WeftServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a real server with this module on its class path: found without any
 * configuration, it serves the runtime's meters as Prometheus text that a strict parser accepts.
 */
final class MetricsEndpointTest {
  @Function static int cube(int x) { return x * x * x; }

  @Application @Function
  static int cubes(int n) {
    return Weft.fn(MetricsEndpointTest::cube).map(java.util.stream.IntStream.range(0, n).boxed().toList()).result()
        .stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void metrics_afterRequests_isStrictPrometheusTextWithTheirCounts() throws Exception {
    InMemoryJournal journal = new InMemoryJournal();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).eventLoops(1).build(); // observers from the class path
        WeftServer server = WeftServer.builder().runtime(runtime).journal(journal).applications(Applications.of(MetricsEndpointTest.class))
            .start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(
            "/v1/applications/MetricsEndpointTest.cubes?wait=true")).POST(HttpRequest.BodyPublishers.ofString("4"))
            .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).contains(PrometheusText.CONTENT_TYPE);
      Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(metrics.body());
      assertThat(value(families, "weft_calls_started_total", "counter", Map.of("function", "MetricsEndpointTest.cube")))
          .isEqualTo(12);
      assertThat(value(families, "weft_calls_succeeded_total", "counter", Map.of("function", "MetricsEndpointTest.cube")))
          .isEqualTo(12);
      assertThat(value(families, "weft_requests_started_total", "counter",
          Map.of("application", "MetricsEndpointTest.cubes"))).isEqualTo(3);
      assertThat(families.get("weft_call_duration_seconds").type()).isEqualTo("histogram");
      assertThat(families.get("weft_call_duration_seconds").samples()).anySatisfy(s -> {
        assertThat(s.name()).isEqualTo("weft_call_duration_seconds_count");
        assertThat(s.labels()).containsEntry("function", "MetricsEndpointTest.cube").containsEntry("outcome", "succeeded");
        assertThat(s.value()).isEqualTo(12);
      });
      assertThat(families).containsKeys("weft_calls_in_flight", "weft_requests_running", "weft_loop_queue_depth", "weft_journal_queue_depth");
    }
  }

  @Test
  void parser_rejectsWhatIsNotPrometheusText() {
    assertThatThrownBy(() -> PrometheusTextParser.parse("x 1\n")).hasMessageContaining("no declared family");
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE x gauge\nx{a=b} 1\n")).hasMessageContaining("unquoted");
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE x gauge\nx 1")).hasMessageContaining("line feed");
    assertThatThrownBy(() -> PrometheusTextParser.parse(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")).hasMessageContaining("below");
  }

  private static double value(Map<String, PrometheusTextParser.Family> families, String name, String type,
      Map<String, String> labels) {
    PrometheusTextParser.Family f = families.get(name);
    assertThat(f).as(name).isNotNull();
    assertThat(f.type()).isEqualTo(type);
    List<PrometheusTextParser.Sample> found = f.samples().stream()
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    assertThat(found).as(name + labels).hasSize(1);
    return found.getFirst().value();
  }
}

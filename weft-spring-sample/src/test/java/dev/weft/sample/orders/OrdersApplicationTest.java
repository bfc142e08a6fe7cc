package dev.weft.sample.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole application on real ports: Weft's server, Spring's server, Actuator. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "weft.server.port=0")
final class OrdersApplicationTest {
  private static final String ORDER = """
      {"customer": "ada", "lines": [{"sku": "apple", "quantity": 3}, {"sku": "pear", "quantity": 2}]}""";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static HttpClient http;

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void journalInATemporaryDirectory(DynamicPropertyRegistry registry) {
    registry.add("weft.data-dir", () -> data.toString());
  }

  @Value("${local.server.port}")
  int springPort;

  @Value("${local.weft.server.port}")
  int weftPort;

  @BeforeAll
  static void client() {
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void closeClient() {
    http.close();
  }

  @Test
  void order_overTheWeftServer_succeedsWithItsReceipt() throws Exception {
    HttpResponse<String> response = post(weftPort, "/v1/applications/OrderWorkflow.place?wait=true", ORDER);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("state").asText()).isEqualTo("SUCCEEDED");
    JsonNode receipt = body.get("output");
    assertThat(receipt.get("totalCents").asLong()).isEqualTo(3 * 50 + 2 * 70);
    assertThat(receipt.get("reservations")).hasSize(2);
    assertThat(receipt.get("paymentId").asText()).startsWith("pay-").endsWith("-ada-290");
  }

  @Test
  void order_overSpringMvc_succeeds_andARefusedOneSaysWhy() throws Exception {
    HttpResponse<String> placed = post(springPort, "/orders", ORDER);
    assertThat(placed.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(placed.body()).get("totalCents").asLong()).isEqualTo(290);

    HttpResponse<String> refused = post(springPort, "/orders",
        "{\"customer\": \"bo\", \"lines\": [{\"sku\": \"kiwi\", \"quantity\": 1}]}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("unknown product 'kiwi'");
  }

  @Test
  void health_showsWeftUp() throws Exception {
    HttpResponse<String> response = get(springPort, "/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode weft = JSON.readTree(response.body()).get("components").get("weft");
    assertThat(weft.get("status").asText()).isEqualTo("UP");
    assertThat(weft.get("details").get("journal").asText()).contains("weft.db");
    assertThat(weft.get("details").get("applications").get(0).asText()).isEqualTo("OrderWorkflow.place");
  }

  @Test
  void metrics_listWeftMeters() throws Exception {
    assertThat(post(weftPort, "/v1/applications/OrderWorkflow.place?wait=true", ORDER).statusCode()).isEqualTo(200);
    JsonNode names = JSON.readTree(get(springPort, "/actuator/metrics").body()).get("names");
    assertThat(names).extracting(JsonNode::asText).contains("weft.requests.started", "weft.calls.started");

    JsonNode started = JSON.readTree(get(springPort,
        "/actuator/metrics/weft.calls.started?tag=function:Inventory.reserve").body());
    assertThat(started.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(2.0);
  }

  private static HttpResponse<String> post(int port, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

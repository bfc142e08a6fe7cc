package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Routing, methods, the application listing and the OpenAPI description. */
final class RouterTest extends ServerTestSupport {

  @Test
  void applications_list_namesDescriptionsAndTypes() {
    Response r = get("/v1/applications");

    assertThat(r.status()).isEqualTo(200);
    JsonNode apps = r.json();
    assertThat(apps).extracting(a -> a.get("name").asText())
        .containsExactlyInAnyOrder("TestApps.order", "TestApps.doubleAsync", "TestApps.inc", "TestApps.steps",
            "TestApps.blocks", "TestApps.refuses", "TestApps.holdsText");
    JsonNode order = null;
    for (JsonNode a : apps) {
      if (a.get("name").asText().equals("TestApps.order")) {
        order = a;
      }
    }
    assertThat(order.get("description").asText()).isEqualTo("Takes an order and returns its receipt.");
    assertThat(order.get("input_type").asText()).isEqualTo("dev.weft.server.TestApps$Order");
    assertThat(order.get("output_type").asText()).isEqualTo("dev.weft.server.TestApps$Receipt");
  }

  @Test
  void wrongMethod_405WithAllow() {
    Response r = send(request("/v1/applications").PUT(HttpRequest.BodyPublishers.ofString("{}")).build());

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.code()).isEqualTo("method_not_allowed");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    assertThat(r.message()).contains("PUT").contains("GET");
  }

  @Test
  void wrongMethodOnRequest_405ListsGetAndDelete() {
    Response r = post("/v1/requests/x", "{}");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, DELETE");
  }

  @Test
  void unknownPath_404PointsToOpenApi() {
    Response r = get("/v2/things");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("not_found");
    assertThat(r.message()).contains("/openapi.json");
  }

  @Test
  void openApi_served_isOpenApi31() {
    Response r = get("/openapi.json");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void openApi_everyRoute_isDescribedAndNothingElse() throws Exception {
    JsonNode paths = MAPPER.readTree(Routes.openApiDocument()).get("paths");
    Router router = ((HttpWeftServer) server).router();

    java.util.Set<String> routes = new java.util.TreeSet<>();
    for (Router.Route route : router.routes()) {
      routes.add(route.method().toLowerCase(java.util.Locale.ROOT) + " " + route.template());
    }
    java.util.Set<String> described = new java.util.TreeSet<>();
    paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (java.util.Set.of("get", "post", "put", "delete", "patch", "head", "options").contains(m)) {
        described.add(m + " " + p.getKey());
      }
    }));

    assertThat(described).isEqualTo(routes);
  }

  @Test
  void openApi_waitFlagAndIdempotencyKey_documented() throws Exception {
    JsonNode post = MAPPER.readTree(Routes.openApiDocument()).get("paths").get("/v1/applications/{app}").get("post");

    assertThat(post.get("parameters")).extracting(p -> p.get("name").asText()).contains("wait", "Idempotency-Key");
  }
}

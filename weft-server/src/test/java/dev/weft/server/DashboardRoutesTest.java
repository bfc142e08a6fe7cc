package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files are served without a token and only they; the inventory routes it reads
 * ({@code /v1/services}, {@code /v1/nodes}) need the token like every {@code /v1} route.
 */
final class DashboardRoutesTest extends ServerTestSupport {
  private static final String[] AUTH = {"Authorization", "Bearer " + AuthTest.TOKEN};

  @Override
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder.bearerToken(AuthTest.TOKEN);
  }

  @Test
  void index_withoutToken_servedAsHtmlWithItsPolicy() {
    Response r = get("/");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.body()).contains("<script type=\"module\" src=\"/dashboard/app.js\"></script>");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
        assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void files_everyOne_servedWithItsType() {
    for (String file : Dashboard.FILES) {
      Response r = get("/dashboard/" + file);

      assertThat(r.status()).as(file).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).as(file).hasValue(Dashboard.contentType(file));
      assertThat(r.body()).as(file).isNotBlank();
    }
    assertThat(get("/dashboard/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void file_unknown_404AsJson() {
    Response r = get("/dashboard/secrets.js");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("not_found");
    assertThat(r.message()).contains("secrets.js").contains("open it at /");
    assertThat(get("/dashboard/..%2Fopenapi.json").status()).isEqualTo(404);
    assertThat(get("/dashboard/").status()).isEqualTo(404);
  }

  @Test
  void index_withQuery_400() {
    Response r = get("/?x=1");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_parameter");
  }

  @Test
  void inventory_withoutToken_401() {
    assertThat(get("/v1/services").status()).isEqualTo(401);
    assertThat(get("/v1/nodes").status()).isEqualTo(401);
  }

  @Test
  void nodes_serverWithoutFleet_saysNotAFleet() {
    Response r = get("/v1/nodes", AUTH);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().toString()).isEqualTo("{\"fleet\":false,\"nodes\":[]}");
  }

  @Test
  void services_emptyRegistry_emptyList() {
    String before = System.getProperty("weft.services.dir");
    System.setProperty("weft.services.dir", tempDir.resolve("services").toString());
    try {
      Response r = get("/v1/services", AUTH);

      assertThat(r.status()).isEqualTo(200);
      JsonNode services = r.json().get("services");
      assertThat(services.isArray()).isTrue();
      assertThat(services).isEmpty();
    } finally {
      restore(before);
    }
  }

  @Test
  void services_query_400() {
    assertThat(get("/v1/services?all=true", AUTH).code()).isEqualTo("invalid_parameter");
  }

  static void restore(String servicesDir) {
    if (servicesDir == null) {
      System.clearProperty("weft.services.dir");
    } else {
      System.setProperty("weft.services.dir", servicesDir);
    }
  }
}

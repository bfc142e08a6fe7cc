package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Applications;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bearer tokens: required when configured, generated beyond loopback; and the builder's checks. */
final class AuthTest extends ServerTestSupport {
  static final String TOKEN = "s3cret-token-0123456789";

  @Override
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder.bearerToken(TOKEN);
  }

  @Test
  void token_missing_401() {
    Response r = get("/v1/applications");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("unauthorized");
    assertThat(r.message()).contains("Authorization: Bearer");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void token_wrong_401() {
    Response r = get("/v1/requests", "Authorization", "Bearer not-the-token-at-all");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.message()).contains("wrong");
  }

  @Test
  void token_right_served() {
    assertThat(get("/v1/applications", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
    assertThat(post("/v1/applications/TestApps.inc?wait=true", "1", "Authorization", "bearer " + TOKEN).status())
        .isEqualTo(200);
    assertThat(server.token()).hasValue(TOKEN);
  }

  @Test
  void token_missingOnEveryV1Route_401BeforeAnythingElse() {
    assertThat(post("/v1/applications/TestApps.nope", "1").status()).isEqualTo(401);
    assertThat(get("/v1/requests/x").status()).isEqualTo(401);
    assertThat(get("/v1/requests/x/output").status()).isEqualTo(401);
    assertThat(get("/v1/requests/x/progress").status()).isEqualTo(401);
    assertThat(delete("/v1/requests/x").status()).isEqualTo(401);
  }

  @Test
  void openApi_withoutToken_served() {
    assertThat(get("/openapi.json").status()).isEqualTo(200);
  }

  @Test
  void nonLoopbackHost_withoutToken_generatesOneAndAnnouncesItOnce() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (WeftServer open = WeftServer.builder().applications(Applications.of(TestApps.class)).host("0.0.0.0").insecure()
        .announcements(new PrintStream(err, true, StandardCharsets.UTF_8)).start()) {
      String token = open.token().orElseThrow();
      String announced = err.toString(StandardCharsets.UTF_8);

      assertThat(token).hasSizeGreaterThanOrEqualTo(43);
      assertThat(announced).contains(token).containsOnlyOnce("Bearer");
      assertThat(open.uri().getHost()).isEqualTo("127.0.0.1");
      assertThat(send(java.net.http.HttpRequest.newBuilder(open.uri().resolve("/v1/applications")).build()).status())
          .isEqualTo(401);
      assertThat(send(java.net.http.HttpRequest.newBuilder(open.uri().resolve("/v1/applications"))
          .header("Authorization", "Bearer " + token).build()).status()).isEqualTo(200);
    }
  }

  @Test
  void loopbackHost_withoutToken_noneNeeded() {
    try (WeftServer local = WeftServer.builder().applications(Applications.of(TestApps.class)).start()) {
      assertThat(local.token()).isEmpty();
      assertThat(local.uri().toString()).isEqualTo("http://127.0.0.1:" + local.port() + "/");
    }
  }

  @Test
  void builder_badOptions_sayWhatIsWrong() {
    assertThatThrownBy(() -> WeftServer.builder().port(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("anyFreePort");
    assertThatThrownBy(() -> WeftServer.builder().maxBodyBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> WeftServer.builder().bearerToken("short")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16..512");
    assertThatThrownBy(() -> WeftServer.builder().host(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WeftServer.builder().start()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("applications(");
    assertThatThrownBy(() -> WeftServer.builder().applications(Applications.of(TestApps.class)).runtime(runtime).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("journal(");
  }

  @Test
  void builder_portInUse_failsNamingIt() {
    assertThatThrownBy(() -> WeftServer.builder().applications(Applications.of(TestApps.class)).port(server.port()).start())
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining(String.valueOf(server.port()));
  }
}

package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Requests no HTTP client would send, over a raw socket: every answer is Weft's JSON
 * {@code {"code","message"}}, never a server's HTML page, and names no class or file.
 */
final class MalformedRequestTest extends ServerTestSupport {
  private static final String HOST = "Host: localhost\r\n";

  private RawResponse refused(String request, int status, String code) {
    RawResponse r = raw(request);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    assertThat(r.json().path("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(r.json().path("message").asText()).isNotBlank()
        .doesNotContainIgnoringCase("exception")
        .doesNotContain("org.eclipse").doesNotContain("java.")
        .doesNotContain(System.getProperty("user.dir"));
    return r;
  }

  @Test
  void path_badPercentEncoding_400InvalidPath() {
    refused("GET /v1/requests/%zz HTTP/1.1\r\n" + HOST + "\r\n", 400, "invalid_path");
  }

  @Test
  void query_badPercentEncoding_400InvalidParameter() {
    RawResponse r = raw("GET /v1/requests?state=%zz HTTP/1.1\r\n" + HOST + "\r\n");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("code").asText()).isIn("invalid_parameter", "invalid_path");
  }

  @Test
  void contentLength_negative_400InvalidContentLength() {
    refused("POST /v1/applications/TestApps.inc HTTP/1.1\r\n" + HOST + "Content-Length: -1\r\n\r\n1", 400,
        "invalid_content_length");
  }

  @Test
  void contentLength_notANumber_400InvalidContentLength() {
    refused("POST /v1/applications/TestApps.inc HTTP/1.1\r\n" + HOST + "Content-Length: abc\r\n\r\n1", 400,
        "invalid_content_length");
  }

  @Test
  void contentLength_twoToTheSeventy_refusedAsJson() {
    RawResponse r = raw("POST /v1/applications/TestApps.inc HTTP/1.1\r\n" + HOST
        + "Content-Length: 1180591620717411303424\r\n\r\n1");

    assertThat(r.status()).isIn(400, 413);
    assertThat(r.json().path("code").asText()).as(r.body()).isIn("invalid_content_length", "body_too_large");
  }

  @Test
  void contentLength_givenTwice_400InvalidContentLength() {
    refused("POST /v1/applications/TestApps.inc HTTP/1.1\r\n" + HOST + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n12",
        400, "invalid_content_length");
  }

  @Test
  void contentLength_withChunked_400() {
    RawResponse r = refused("POST /v1/applications/TestApps.inc HTTP/1.1\r\n" + HOST
        + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n1\r\n0\r\n\r\n", 400, "invalid_content_length");
    assertThat(r.json().path("message").asText()).contains("chunked");
    assertThat(get("/v1/requests").json().get("requests")).isEmpty();
  }

  @Test
  void requestLine_garbage_400BadRequest() {
    refused("\u0001\u0002 garbage \u00ff\r\n\r\n", 400, "bad_request");
  }

  @Test
  void requestLine_unknownVersion_refusedAsJson() {
    RawResponse r = raw("GET /v1/applications HTTP/7.3\r\n" + HOST + "\r\n");

    assertThat(r.status()).isIn(400, 505);
    assertThat(r.json().path("code").asText()).isIn("bad_request", "unsupported_http_version");
  }

  @Test
  void headers_oversized_431HeadersTooLarge() {
    refused("GET /v1/applications HTTP/1.1\r\n" + HOST + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431,
        "headers_too_large");
  }

  @Test
  void uri_tooLong_414OrRefusedAsJson() {
    RawResponse r = raw("GET /v1/requests/" + "a".repeat(20_000) + " HTTP/1.1\r\n" + HOST + "\r\n");

    assertThat(r.status()).isIn(414, 431);
    assertThat(r.json().path("code").asText()).isIn("uri_too_long", "headers_too_large");
  }

  @Test
  void wellFormedRawRequest_stillServed() {
    RawResponse r = raw("GET /v1/applications HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().isArray()).isTrue();
  }
}

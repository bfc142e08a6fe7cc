package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Applications;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with PEM files, their errors, and the rule against plain HTTP beyond loopback. */
final class TlsTest {
  static final Path CERT = resource("/tls/localhost-cert.pem");
  static final Path KEY = resource("/tls/localhost-key.pem");
  static final Path OTHER_KEY = resource("/tls/other-key.pem");
  static final String TOKEN = "tls-test-token-0123456789";

  @TempDir Path dir;

  @Test
  void start_withTls_servesHttpsToAClientTrustingTheCertificate() throws Exception {
    try (WeftServer server = builder().tls(CERT, KEY).start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(CERT)).connectTimeout(Duration.ofSeconds(10)).build();

      HttpResponse<String> listed = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/applications")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> ran = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/applications/TestApps.inc?wait=true"))
          .POST(HttpRequest.BodyPublishers.ofString("41")).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(server.uri().toString()).isEqualTo("https://127.0.0.1:" + server.port() + "/");
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.2", "TLSv1.3"));
      assertThat(ran.statusCode()).isEqualTo(200);
      assertThat(ran.body()).contains("42");
    }
  }

  @Test
  void start_withTls_byNameLocalhostAlsoVerifies() throws Exception {
    try (WeftServer server = builder().tls(CERT, KEY).start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(CERT)).build();

      HttpResponse<String> r = client.send(HttpRequest.newBuilder(
          java.net.URI.create("https://localhost:" + server.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void start_withTls_clientNotTrustingTheCertificateFailsTheHandshake() {
    try (WeftServer server = builder().tls(CERT, KEY).start()) {
      HttpClient client = HttpClient.newHttpClient(); // the JDK's default trust: not a self-signed certificate

      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/applications")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void start_withTls_plainHttpClientIsNotServed() {
    try (WeftServer server = builder().tls(CERT, KEY).start()) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      java.net.URI plain = java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/applications");

      // Jetty answers plain HTTP on a TLS port with 400 or closes; either way nothing is served.
      try {
        assertThat(client.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
      } catch (IOException | InterruptedException e) {
        assertThat(e).isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void start_tlsCertificateMissing_failsWithOneLineNamingIt() {
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(() -> builder().tls(missing, KEY).start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS certificate file " + missing + " does not exist");
  }

  @Test
  void start_tlsCertificateNotPem_failsWithOneLine() throws IOException {
    Path garbage = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");

    assertThatThrownBy(() -> builder().tls(garbage, KEY).start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no '-----BEGIN CERTIFICATE-----' block").hasMessageNotContaining("\n");
  }

  @Test
  void start_tlsKeyNotPem_failsWithOneLine() throws IOException {
    Path garbage = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> builder().tls(CERT, garbage).start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS key " + garbage + " is not a readable RSA or EC key (damaged, or of another algorithm); "
            + "give the certificate's RSA or EC key in PKCS#8 PEM");
  }

  @Test
  void start_tlsKeyOfAnotherCertificate_failsSayingItDoesNotBelong() {
    assertThatThrownBy(() -> builder().tls(CERT, OTHER_KEY).start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate").hasMessageNotContaining("\n");
  }

  @Test
  void start_tlsKeyInPkcs1RsaForm_served() throws Exception {
    try (WeftServer server = builder().tls(CERT, resource("/tls/localhost-key-pkcs1.pem")).start()) {
      HttpResponse<String> r = HttpClient.newBuilder().sslContext(trusting(CERT)).build()
          .send(HttpRequest.newBuilder(server.uri().resolve("/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void start_tlsKeyInSec1EcForm_failsSayingHowToConvert() throws IOException {
    String pkcs8 = Files.readString(OTHER_KEY);
    Path sec1 = Files.writeString(dir.resolve("ec.pem"),
        pkcs8.replace("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY").replace("END PRIVATE KEY", "END EC PRIVATE KEY"));

    assertThatThrownBy(() -> builder().tls(resource("/tls/other-cert.pem"), sec1).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'EC PRIVATE KEY' block").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + sec1);
  }

  @Test
  void start_ecCertificateAndKey_served() throws Exception {
    Path ecCert = resource("/tls/other-cert.pem");
    try (WeftServer server = builder().tls(ecCert, OTHER_KEY).start();
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trusting(ecCert).getSocketFactory()
            .createSocket("127.0.0.1", server.port())) {
      // CN=other names no host, so a plain socket (no host name check) shows the handshake used it.
      socket.startHandshake();

      assertThat(socket.getSession().getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("EC");
    }
  }

  @Test
  void start_nonLoopbackWithoutTls_refusedSayingWhatToDo() {
    assertThatThrownBy(() -> builder().host("0.0.0.0").bearerToken(TOKEN).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing plain HTTP").hasMessageContaining("tls(").hasMessageContaining("insecure()");
  }

  @Test
  void start_nonLoopbackInsecure_servesPlainHttpAndWarns() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (WeftServer server = builder().host("0.0.0.0").bearerToken(TOKEN).insecure()
        .announcements(new PrintStream(err, true, StandardCharsets.UTF_8)).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/applications"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(err.toString(StandardCharsets.UTF_8)).containsOnlyOnce("warning: plain HTTP").contains("insecure");
    }
  }

  @Test
  void start_nonLoopbackWithTls_servesHttpsAndStillNeedsAToken() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (WeftServer server = builder().host("0.0.0.0").tls(CERT, KEY)
        .announcements(new PrintStream(err, true, StandardCharsets.UTF_8)).start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(CERT)).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/applications")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(server.uri().getScheme()).isEqualTo("https");
      assertThat(server.token()).isPresent();
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("plain HTTP");
    }
  }

  private static WeftServer.Builder builder() {
    return WeftServer.builder().applications(Applications.of(TestApps.class));
  }

  /** An SSL context trusting only the certificates in {@code pem}. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + i++, cert);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static Path resource(String name) {
    try {
      return Path.of(TlsTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

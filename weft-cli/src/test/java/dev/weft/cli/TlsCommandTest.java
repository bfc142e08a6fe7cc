package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft server --tls-cert/--tls-key}, {@code --insecure}, and the clients' {@code --tls-ca}, as real processes. */
final class TlsCommandTest {
  /** The self-signed test pair of weft-server (CN=localhost, SAN localhost and 127.0.0.1); see its README.md. */
  static final Path TLS = Path.of("../weft-server/src/test/resources/tls").toAbsolutePath().normalize();
  static final Path CERT = TLS.resolve("localhost-cert.pem");
  static final Path KEY = TLS.resolve("localhost-key.pem");

  @TempDir Path dir;

  /** Lines of standard error that are not the server's progress lines. */
  private static String[] ownLines(String err) {
    return err.lines().filter(l -> !l.startsWith("weft server: ") && !l.startsWith("  ")).toArray(String[]::new);
  }

  @Test
  void serverWithTls_invokeTrustingItsCertificate_runsOverHttps() throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--tls-cert", CERT.toString(),
        "--tls-key", KEY.toString())) {
      ServerProcess.Ended invoked = ServerProcess.run("invoke", "CliTestApps.countTo", "4", "--wait",
          "--server", server.url().toString(), "--tls-ca", CERT.toString());
      Cli.Result listed = Cli.run("applications", "--server", "https://localhost:" + server.url().getPort(),
          "--tls-ca", CERT.toString());

      assertThat(server.url().toString()).startsWith("https://127.0.0.1:");
      assertThat(invoked.exitCode()).as(invoked.err()).isZero();
      JsonNode output = WeftClient.JSON.readTree(invoked.out());
      assertThat(output.path("sum").asInt()).isEqualTo(10);
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.out()).contains("CliTestApps.countTo");
    }
  }

  @Test
  void serverWithTls_clientNotTrustingIt_oneLineSayingToPassTlsCa() throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--tls-cert", CERT.toString(),
        "--tls-key", KEY.toString())) {
      Cli.Result result = Cli.run("applications", "--server", server.url().toString());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err().lines()).singleElement().asString()
          .contains("is not trusted").contains("--tls-ca FILE").contains("$WEFT_TLS_CA");
    }
  }

  @Test
  void client_tlsCaMissingOrNotPem_exitsTwoNamingIt() throws IOException {
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");

    Cli.Result noFile = Cli.run("applications", "--server", "https://127.0.0.1:1", "--tls-ca", missing.toString());
    Cli.Result notPem = Cli.run("applications", "--server", "https://127.0.0.1:1", "--tls-ca", garbage.toString());

    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err().lines()).singleElement().asString().contains("--tls-ca file " + missing + " does not exist");
    assertThat(notPem.exitCode()).isEqualTo(2);
    assertThat(notPem.err().lines()).singleElement().asString().contains("--tls-ca file " + garbage);
  }

  @Test
  void server_badTlsFiles_exitTwoWithOneLine() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");

    Cli.Result onlyCert = Cli.run("server", "--port", "0", "--data", dir.resolve("d").toString(),
        "--tls-cert", CERT.toString());
    Cli.Result badKey = Cli.run("server", "--port", "0", "--data", dir.resolve("d").toString(),
        "--tls-cert", CERT.toString(), "--tls-key", garbage.toString());

    assertThat(onlyCert.exitCode()).isEqualTo(2);
    assertThat(ownLines(onlyCert.err())).containsExactly(
        "weft: give --tls-cert and --tls-key together (the certificate chain and its private key)");
    assertThat(badKey.exitCode()).isEqualTo(2);
    assertThat(ownLines(badKey.err())).singleElement().asString()
        .contains("TLS key " + garbage + " holds no '-----BEGIN PRIVATE KEY-----' block");
  }

  @Test
  void server_beyondLoopbackWithoutTls_refusedSayingWhatToDo() {
    Cli.Result result = Cli.run("server", "--port", "0", "--host", "0.0.0.0", "--data", dir.resolve("d").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(ownLines(result.err())).singleElement().asString()
        .contains("refusing plain HTTP on 0.0.0.0").contains("--tls-cert").contains("--insecure");
  }

  @Test
  void server_beyondLoopbackInsecure_servesPlainHttpWithATokenAndWarns() throws IOException, InterruptedException {
    String token = "insecure-token-0123456789";
    Path file = Files.writeString(dir.resolve("token"), token + "\n");
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--host", "0.0.0.0", "--insecure",
        "--token-file", file.toString())) {
      Cli.Result without = Cli.run("applications", "--server", server.url().toString());
      Cli.Result with = Cli.run("applications", "--server", server.url().toString(), "--token-file", file.toString());

      assertThat(server.url().getScheme()).isEqualTo("http");
      assertThat(without.exitCode()).isNotZero();
      assertThat(with.exitCode()).as(with.err()).isZero();
      assertThat(server.stderr()).contains("warning: plain HTTP").doesNotContain(token);
    }
  }
}

package dev.weft.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of every command that talks to a running server: where it is, its token, whom to trust. */
final class ClientOptions {

  @Option(
      names = "--server",
      paramLabel = "<url>",
      defaultValue = "${env:WEFT_SERVER:-http://127.0.0.1:8080}",
      description = "URL of the Weft server (default: $WEFT_SERVER, else ${DEFAULT-VALUE}).")
  URI server;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      defaultValue = "${env:WEFT_TOKEN}",
      description = "Bearer token the server requires, if it has one (default: $WEFT_TOKEN). Other local users "
          + "can see it in the process list: prefer --token-file or $WEFT_TOKEN.")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "<path>",
      description = "Read the bearer token from this file (trimmed) instead of --token or $WEFT_TOKEN.")
  Path tokenFile;

  @Option(
      names = "--tls-ca",
      paramLabel = "<file>",
      defaultValue = "${env:WEFT_TLS_CA}",
      description = "For an https --server: also trust the certificates in this PEM file, such as the server's own "
          + "self-signed one or its private CA (default: $WEFT_TLS_CA; the system's trusted CAs always count).")
  Path tlsCa;

  /** A client of the chosen server. */
  WeftClient client() {
    Optional<String> chosen = tokenFile != null ? Optional.of(TokenFile.read(tokenFile))
        : Optional.ofNullable(token).filter(t -> !t.isBlank());
    return new WeftClient(server, chosen, Optional.ofNullable(tlsCa).filter(p -> !p.toString().isBlank()));
  }
}

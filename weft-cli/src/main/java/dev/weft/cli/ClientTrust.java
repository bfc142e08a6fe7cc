package dev.weft.cli;

import dev.weft.transport.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/** Which server certificates the client commands trust, and what to say when one is not. Stateless. */
final class ClientTrust {
  private ClientTrust() {}

  /**
   * An SSL context trusting the system's CAs and the certificates in the PEM file {@code ca}.
   *
   * @throws CommandFailure (usage) if the file is missing, unreadable or holds no certificate
   */
  static SSLContext trusting(Path ca) {
    try {
      return Tls.clientContext(Optional.of(ca));
    } catch (IllegalArgumentException e) {
      throw CommandFailure.usage(e.getMessage().replaceFirst("^TLS CA( file)?", "--tls-ca file"));
    }
  }

  /** One line for a failed TLS handshake with {@code server}, saying what to do. */
  static String describe(URI server, SSLHandshakeException e) {
    String why = oneLine(e.getMessage());
    if (why.contains("PKIX") || why.contains("certification path")) {
      return "the certificate of the Weft server at " + server + " is not trusted; pass --tls-ca FILE (or set "
          + "$WEFT_TLS_CA) with the server's PEM certificate or the CA that issued it";
    }
    if (why.contains("subject alternative") || why.contains("No name matching")) {
      return "the certificate of the Weft server at " + server + " does not name host '" + server.getHost() + "' ("
          + why + "); use a --server URL with a name the certificate holds, or a certificate with this name";
    }
    return "the TLS handshake with the Weft server at " + server + " failed: " + why;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").strip();
  }
}

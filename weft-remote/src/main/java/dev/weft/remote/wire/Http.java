package dev.weft.remote.wire;

import dev.weft.transport.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The HTTP clients this process talks to workers with (HTTP/1.1; each pools connections): one for
 * plain HTTP, and, made on first use, one for HTTPS workers trusting {@link #tlsContext()}.
 * Control requests (cancel, health, shutdown) go over them; calls go over the callers' socket
 * client, which trusts workers through {@link #tlsContext()} too. Thread-safe, as the JDK's
 * clients are. Not API: may change between releases.
 */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}

  /** The client for a worker at {@code uri}. */
  public static HttpClient client(URI uri) {
    return "https".equals(uri.getScheme()) ? Secure.CLIENT : CLIENT;
  }

  /**
   * What this process trusts in HTTPS workers: the JDK's certificate authorities and the PEM file
   * {@code $WEFT_TLS_CA} (else the system property {@code weft.tls.ca}). Read once, on first use.
   *
   * @throws IllegalArgumentException if the named file is missing or holds no certificate
   */
  public static SSLContext tlsContext() {
    return Trust.CONTEXT;
  }

  /** What to say when a worker's certificate is refused: what to fix, since trying again cannot help. */
  public static String handshakeFailed(String authority, javax.net.ssl.SSLHandshakeException e) {
    String why = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ").strip();
    return "the TLS handshake with the worker at " + authority + " failed (" + why + "): this process must trust the"
        + " workers' certificate (the PEM certificate or its CA in $WEFT_TLS_CA, or -Dweft.tls.ca=FILE), and the"
        + " certificate must name the host the workers are reached at";
  }

  private static final class Trust {
    static final SSLContext CONTEXT = Tls.clientContext(caFile());

    private static Optional<Path> caFile() {
      String ca = System.getenv("WEFT_TLS_CA");
      if (ca == null || ca.isBlank()) {
        ca = System.getProperty("weft.tls.ca");
      }
      return ca == null || ca.isBlank() ? Optional.empty() : Optional.of(Path.of(ca.strip()));
    }
  }

  private static final class Secure {
    static final HttpClient CLIENT = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(tlsContext())
        .build();
  }
}

package dev.weft.remote.worker;

import dev.weft.transport.Tls;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where worker processes listen and how callers reach them. The default, {@link #loopback()},
 * serves plain HTTP on 127.0.0.1, reachable from this machine only. A worker that other machines
 * call listens on another address and serves HTTPS with a PEM certificate and key ({@link #tls});
 * plain HTTP beyond loopback needs the explicit {@link #insecure} (tokens and arguments then cross
 * the network readable by anyone on the path). Every request to a worker carries its bearer token
 * either way.
 *
 * <p>Callers trust a worker's certificate through the JDK's certificate authorities plus the PEM
 * file named by {@code $WEFT_TLS_CA} (or the system property {@code weft.tls.ca}), and verify that
 * it names the advertised host (an IP address needs an IP entry in the certificate's subject
 * alternative names).
 *
 * <p>An immutable value, thread-safe.
 */
public final class WorkerNetwork {
  static final String BIND_ENV = "WEFT_WORKER_BIND";
  static final String ADVERTISE_ENV = "WEFT_WORKER_ADVERTISE";
  static final String CERT_ENV = "WEFT_WORKER_TLS_CERT";
  static final String KEY_ENV = "WEFT_WORKER_TLS_KEY";
  static final String INSECURE_ENV = "WEFT_WORKER_INSECURE";

  private static final WorkerNetwork LOOPBACK = new WorkerNetwork("127.0.0.1", "127.0.0.1", Optional.empty(),
      Optional.empty(), false);

  private final String bindHost;
  private final String advertisedHost;
  private final Optional<Path> certificate;
  private final Optional<Path> key;
  private final boolean insecure;

  private WorkerNetwork(String bindHost, String advertisedHost, Optional<Path> certificate, Optional<Path> key,
      boolean insecure) {
    this.bindHost = bindHost;
    this.advertisedHost = advertisedHost;
    this.certificate = certificate;
    this.key = key;
    this.insecure = insecure;
  }

  /** Plain HTTP on 127.0.0.1: workers reachable from this machine only (the default). */
  public static WorkerNetwork loopback() {
    return LOOPBACK;
  }

  /**
   * HTTPS: workers listen on {@code bindHost} ({@code 0.0.0.0} for every interface) and callers
   * reach them at {@code advertisedHost}, which the certificate must name. The files are read
   * here once, to report a bad one at once, and again by each worker when it starts.
   *
   * @param certificatePem the certificate chain, the workers' own certificate first
   * @param keyPem its private key (PKCS#8, or PKCS#1 RSA)
   * @throws IllegalArgumentException if a host is blank or cannot be resolved, or a file is
   *     missing, unreadable, or the key does not belong to the certificate
   */
  public static WorkerNetwork tls(String bindHost, String advertisedHost, Path certificatePem, Path keyPem) {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(keyPem, "keyPem");
    Tls.serverContext(certificatePem, keyPem);
    return new WorkerNetwork(resolvable(bindHost, "bind"), resolvable(advertisedHost, "advertised"),
        Optional.of(certificatePem.toAbsolutePath()), Optional.of(keyPem.toAbsolutePath()), false);
  }

  /**
   * Plain HTTP on {@code bindHost}, reached at {@code advertisedHost}, even beyond loopback: an
   * explicit opt-in for a network that is private by other means.
   *
   * @throws IllegalArgumentException if a host is blank or cannot be resolved
   */
  public static WorkerNetwork insecure(String bindHost, String advertisedHost) {
    return new WorkerNetwork(resolvable(bindHost, "bind"), resolvable(advertisedHost, "advertised"), Optional.empty(),
        Optional.empty(), true);
  }

  /** The address workers listen on. */
  public String bindHost() {
    return bindHost;
  }

  /** The host callers reach workers at. */
  public String advertisedHost() {
    return advertisedHost;
  }

  /** Whether workers serve HTTPS. */
  public boolean servesTls() {
    return certificate.isPresent();
  }

  /** A worker's base URI on this network, such as {@code https://10.0.0.5:40123}. */
  URI uri(int port) {
    String host = advertisedHost.contains(":") ? "[" + advertisedHost + "]" : advertisedHost;
    return URI.create((servesTls() ? "https" : "http") + "://" + host + ":" + port);
  }

  /** What a worker process is told, in its environment (nothing for the loopback default). */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    if (this == LOOPBACK) {
      return env;
    }
    env.put(BIND_ENV, bindHost);
    env.put(ADVERTISE_ENV, advertisedHost);
    certificate.ifPresent(c -> env.put(CERT_ENV, c.toString()));
    key.ifPresent(k -> env.put(KEY_ENV, k.toString()));
    if (insecure) {
      env.put(INSECURE_ENV, "true");
    }
    return env;
  }

  private static String resolvable(String host, String which) {
    Objects.requireNonNull(host, which + "Host");
    String h = host.strip();
    if (h.isEmpty()) {
      throw new IllegalArgumentException("the workers' " + which + " host is blank; give a host name or IP address");
    }
    try {
      InetAddress.getByName(h);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("the workers' " + which + " host '" + h + "' cannot be resolved: "
          + e.getMessage(), e);
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkerNetwork n && bindHost.equals(n.bindHost) && advertisedHost.equals(n.advertisedHost)
        && certificate.equals(n.certificate) && key.equals(n.key) && insecure == n.insecure;
  }

  @Override
  public int hashCode() {
    return Objects.hash(bindHost, advertisedHost, certificate, key, insecure);
  }

  @Override
  public String toString() {
    return (servesTls() ? "https" : "http") + " on " + bindHost + " as " + advertisedHost + (insecure ? " (insecure)" : "");
  }
}

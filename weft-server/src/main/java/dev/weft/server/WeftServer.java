package dev.weft.server;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Serves a set of {@link Applications} over HTTP: submit a request, read its state, output and
 * progress (as server-sent events), list requests, cancel one; a browser opening {@link #uri()}
 * gets a dashboard of the same (docs/DASHBOARD.md). Start one with {@link #builder()}:
 *
 * <pre>{@code
 * try (WeftServer server = WeftServer.builder()
 *     .applications(Applications.of(Numbers.class))
 *     .port(8080)
 *     .start()) {
 *   System.out.println("serving on " + server.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>The routes, their JSON and their errors are described at {@code GET /openapi.json} and in
 * docs/SERVER.md. Every error is a JSON object {@code {"code": ..., "message": ...}} whose message
 * says what to fix.
 *
 * <p><b>Threads.</b> A few platform threads accept connections and read requests without
 * blocking; every request is handled on its own virtual thread, which blocks plainly (on the
 * journal, on a request with {@code ?wait=true}, on an event stream). A client that hangs up
 * while it waits ({@code ?wait=true}, an event stream) is noticed at once and its thread and
 * progress listener are released; the request goes on. Implementations are thread-safe.
 *
 * <p><b>Durability.</b> A request is acknowledged ({@code 202}) only after the runtime's
 * {@link WeftRuntime#submit submit} returned, that is after the journal recorded it.
 */
public interface WeftServer extends AutoCloseable {

  /**
   * A builder with the defaults: 127.0.0.1, a free port, 10 MB bodies, no token, headers within
   * 10 s, bodies within 30 s, idle connections closed after 30 s, at most 10,000 connections.
   */
  static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the one picked, if the builder asked for any free port). */
  int port();

  /**
   * Where to reach the server, such as {@code http://127.0.0.1:8080/} ({@code https://} with
   * {@link Builder#tls TLS}); a server bound to every interface ({@code 0.0.0.0}, {@code ::})
   * gives its loopback address.
   */
  URI uri();

  /**
   * The bearer token every {@code /v1} request must carry ({@code Authorization: Bearer <token>}):
   * the configured one, or the one generated because the server listens beyond loopback without
   * one. Empty if requests need no token.
   */
  Optional<String> token();

  /**
   * Stops listening, ends the exchanges under way ({@code ?wait=true} is answered {@code 503
   * shutting_down}, event streams end without a final event; waits up to 2 s for those answers),
   * closes the connections, and closes the runtime and journal the server made itself (never
   * ones the caller gave). Requests keep running in a runtime the caller owns. Idempotent.
   */
  @Override
  void close();

  /**
   * Options of a {@link WeftServer}; every setter validates its value and says what is wrong with
   * it. Not thread-safe.
   *
   * <p>The runtime and the journal go together: the server submits through the runtime and reads
   * request records from the journal, so the journal must be the one the runtime was built with.
   * Give both, or only a journal (the server then builds a runtime on it and closes it with
   * itself), or a SQLite file ({@link #sqliteJournal}), or none (an in-memory journal and a
   * runtime of the server's own: nothing survives the process).
   */
  final class Builder {
    static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    static final long MAX_MAX_BODY_BYTES = 1L << 30;
    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    static final int MAX_MAX_CONNECTIONS = 1_000_000;
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private Optional<WeftRuntime> runtime = Optional.empty();
    private Optional<Journal> journal = Optional.empty();
    private Optional<Path> sqliteFile = Optional.empty();
    private Optional<Applications> applications = Optional.empty();
    private String host = "127.0.0.1";
    private OptionalInt port = OptionalInt.empty();
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Optional<String> bearerToken = Optional.empty();
    private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private PrintStream announcements = System.err;
    private Optional<Path> tlsCertificateChain = Optional.empty();
    private Optional<Path> tlsPrivateKey = Optional.empty();
    private boolean insecure;
    /** Empty: the {@link dev.weft.observe.MetricsText} on the class path, if any. */
    private Optional<Optional<dev.weft.observe.MetricsText>> metrics = Optional.empty();

    private Builder() {}

    /** The applications to serve (required). */
    public Builder applications(Applications applications) {
      this.applications = Optional.of(Objects.requireNonNull(applications, "applications"));
      return this;
    }

    /**
     * The runtime requests run in; the caller keeps owning it ({@link WeftServer#close()} leaves
     * it running). Give its journal too, with {@link #journal(Journal)}.
     */
    public Builder runtime(WeftRuntime runtime) {
      this.runtime = Optional.of(Objects.requireNonNull(runtime, "runtime"));
      return this;
    }

    /** The journal requests are recorded in: the runtime's, if a runtime is given. */
    public Builder journal(Journal journal) {
      this.journal = Optional.of(Objects.requireNonNull(journal, "journal"));
      return this;
    }

    /**
     * Records requests durably in the SQLite file {@code file} (created if missing): at
     * {@link #start()} the server opens the journal, builds a runtime on it, resumes what the file
     * holds as running, and closes both with itself. Use instead of {@link #runtime} and
     * {@link #journal}.
     */
    public Builder sqliteJournal(Path file) {
      this.sqliteFile = Optional.of(Objects.requireNonNull(file, "file"));
      return this;
    }

    /**
     * The address to listen on: a host name or an IP literal; default {@code 127.0.0.1}. Any
     * address that is not loopback (including {@code 0.0.0.0}) requires a bearer token; without
     * {@link #bearerToken(String)} one is generated and printed to standard error once. It also
     * requires {@link #tls TLS}, unless {@link #insecure()} allows plain HTTP.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank; use 127.0.0.1 for loopback or 0.0.0.0 for every interface");
      }
      this.host = host.strip();
      return this;
    }

    /**
     * Listens on this port.
     *
     * @throws IllegalArgumentException unless 1..65535 (use {@link #anyFreePort()} for any)
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port + "; call anyFreePort() to let the system pick one");
      }
      this.port = OptionalInt.of(port);
      return this;
    }

    /** Listens on a free port the system picks (the default); read it with {@link WeftServer#port()}. */
    public Builder anyFreePort() {
      this.port = OptionalInt.empty();
      return this;
    }

    /**
     * The largest request body accepted; a larger one is refused with {@code 413} before it is
     * read. Default 10 MB (10,485,760 bytes).
     *
     * @throws IllegalArgumentException unless 1 byte..1 GiB
     */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1 || bytes > MAX_MAX_BODY_BYTES) {
        throw new IllegalArgumentException("maxBodyBytes must be 1.." + MAX_MAX_BODY_BYTES + ", was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on every {@code /v1} request ({@code 401}
     * otherwise). {@code /openapi.json} stays open.
     *
     * @throws IllegalArgumentException unless 16..512 visible ASCII characters
     */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || token.length() > 512 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("a bearer token must be 16..512 visible ASCII characters (was "
            + token.length() + " characters); generate one with: openssl rand -base64 32");
      }
      this.bearerToken = Optional.of(token);
      return this;
    }

    /**
     * The longest a request's line and headers may take to arrive, counted from their first byte
     * (checked about ten times per timeout); a connection that is slower is closed. Bounds
     * clients that trickle header bytes to hold connections; a connection that sends nothing is
     * bounded by {@link #idleTimeout} instead. Default 10 s.
     *
     * @throws IllegalArgumentException unless 100 ms..1 h
     */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = checkTimeout("headerTimeout", timeout);
      return this;
    }

    /**
     * The longest a request body may take to arrive, counted from the end of the headers; a
     * slower body is answered {@code 408 request_timeout} and its connection closed. Default 30 s.
     *
     * @throws IllegalArgumentException unless 100 ms..1 h
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = checkTimeout("readTimeout", timeout);
      return this;
    }

    /**
     * The longest a connection may stay silent, no byte in or out, before it is closed: an idle
     * keep-alive connection, or a body or response that stopped moving. Event streams send a
     * comment often enough to stay open. Default 30 s.
     *
     * @throws IllegalArgumentException unless 100 ms..1 h
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = checkTimeout("idleTimeout", timeout);
      return this;
    }

    /**
     * How many connections the server serves at once; while it has that many, it accepts no
     * more, and new ones wait in the operating system's accept queue until one closes. Each
     * connection holds a file descriptor, so keep this below the process's limit
     * ({@code ulimit -n}). Default 10,000.
     *
     * @throws IllegalArgumentException unless 1..1,000,000
     */
    public Builder maxConnections(int connections) {
      if (connections < 1 || connections > MAX_MAX_CONNECTIONS) {
        throw new IllegalArgumentException("maxConnections must be 1.." + MAX_MAX_CONNECTIONS + ", was " + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    private static Duration checkTimeout(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(name + " must be 100 ms..1 h, was " + timeout
            + "; for example Duration.ofSeconds(30)");
      }
      return timeout;
    }

    /**
     * Serves HTTPS (TLS 1.2 and 1.3) with the certificate chain in {@code certificateChainPem}
     * (PEM {@code CERTIFICATE} blocks, the server's own first, then any intermediates) and its
     * private key in {@code privateKeyPem} (an unencrypted PKCS#8 {@code PRIVATE KEY} block, RSA
     * or EC, or a PKCS#1 {@code RSA PRIVATE KEY} block). The files are read at {@link #start()}, which fails with one line if one is
     * missing, is not PEM, or the key does not belong to the certificate. Clients must trust the
     * certificate (or its issuer).
     */
    public Builder tls(Path certificateChainPem, Path privateKeyPem) {
      this.tlsCertificateChain = Optional.of(Objects.requireNonNull(certificateChainPem, "certificateChainPem"));
      this.tlsPrivateKey = Optional.of(Objects.requireNonNull(privateKeyPem, "privateKeyPem"));
      return this;
    }

    /**
     * Allows plain HTTP on an address that is not loopback, where {@link #start()} otherwise
     * requires {@link #tls TLS}: tokens and data then cross the network readable by anyone on the
     * path. A warning is printed to standard error at start. No effect on loopback or with TLS.
     */
    public Builder insecure() {
      this.insecure = true;
      return this;
    }

    /**
     * Serves {@code text} at {@code GET /metrics} (with the API's bearer token, if any). By
     * default the server serves the {@link dev.weft.observe.MetricsText} found on the class path
     * ({@code weft-micrometer} provides Prometheus text), and answers 404 without one.
     */
    public Builder metrics(dev.weft.observe.MetricsText text) {
      this.metrics = Optional.of(Optional.of(Objects.requireNonNull(text, "text")));
      return this;
    }

    /** Answers {@code GET /metrics} with 404 even if metrics are on the class path. */
    public Builder withoutMetrics() {
      this.metrics = Optional.of(Optional.empty());
      return this;
    }

    /** Where the generated token is announced; tests redirect it. */
    Builder announcements(PrintStream out) {
      this.announcements = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * Binds the port, resumes the requests the journal holds as running
     * ({@link WeftRuntime#resumeUnfinished}) and starts serving.
     *
     * @throws IllegalStateException if no applications were given, a runtime without its journal,
     *     or a SQLite file together with a runtime or a journal
     * @throws IllegalArgumentException if the host cannot be resolved, or a {@link #tls TLS}
     *     file is missing, not PEM, or its key does not belong to its certificate
     * @throws IllegalStateException if the host is not loopback, without TLS and not {@link
     *     #insecure()}
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public WeftServer start() {
      Applications apps = applications.orElseThrow(() -> new IllegalStateException(
          "no applications to serve; call applications(Applications.of(YourApps.class))"));
      if (runtime.isPresent() && journal.isEmpty()) {
        throw new IllegalStateException("a runtime was given without its journal; also call journal(...) with the journal "
            + "that runtime was built with (the server reads request records from it)");
      }
      if (sqliteFile.isPresent() && (runtime.isPresent() || journal.isPresent())) {
        throw new IllegalStateException("sqliteJournal(file) makes the server's own journal and runtime; "
            + "drop runtime(...) and journal(...), or drop sqliteJournal(...)");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot resolve host '" + host + "': " + e.getMessage(), e);
      }
      boolean beyondLoopback = !address.isLoopbackAddress();
      if (beyondLoopback && tlsCertificateChain.isEmpty() && !insecure) {
        throw new IllegalStateException("refusing plain HTTP on " + address.getHostAddress() + ", beyond loopback: "
            + "serve HTTPS with tls(certificate, key), listen on 127.0.0.1, or call insecure() to allow plain HTTP");
      }
      Optional<javax.net.ssl.SSLContext> tls =
          tlsCertificateChain.map(chain -> dev.weft.transport.Tls.serverContext(chain, tlsPrivateKey.orElseThrow()));
      Optional<String> token = bearerToken;
      boolean generated = false;
      if (token.isEmpty() && !address.isLoopbackAddress()) {
        token = Optional.of(Tokens.generate());
        generated = true;
      }
      boolean ownsJournal = sqliteFile.isPresent();
      Journal j = sqliteFile.<Journal>map(SqliteJournal::open).orElseGet(() -> journal.orElseGet(InMemoryJournal::new));
      boolean ownsRuntime = runtime.isEmpty();
      WeftRuntime rt = runtime.orElseGet(() -> WeftRuntime.builder().journal(j).build());
      try {
        HttpWeftServer server = HttpWeftServer.start(new ServerConfig(rt, ownsRuntime, j, ownsJournal, apps, address,
            port, maxBodyBytes, token,
            new ServerConfig.Limits(headerTimeout, readTimeout, idleTimeout, maxConnections), tls,
            metrics.orElseGet(Probes::discovered)));
        if (beyondLoopback && tls.isEmpty()) {
          announcements.println("weft-server: warning: plain HTTP on " + address.getHostAddress() + ":" + server.port()
              + " (insecure): bearer tokens and data cross the network unencrypted; serve HTTPS with a TLS certificate");
        }
        if (generated) {
          announcements.println("weft-server: listening on " + address.getHostAddress() + ":" + server.port()
              + " beyond loopback; every /v1 request needs the header 'Authorization: Bearer " + token.get()
              + "' (set your own with WeftServer.builder().bearerToken(...))");
        }
        return server;
      } catch (RuntimeException | Error e) {
        if (ownsRuntime) {
          rt.close();
        }
        if (ownsJournal) {
          j.close();
        }
        throw e;
      }
    }
  }
}

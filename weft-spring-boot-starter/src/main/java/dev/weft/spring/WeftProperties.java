package dev.weft.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Weft's settings under {@code weft.*} in {@code application.properties} (or YAML, or the
 * environment): which journal records requests and where, how long finished requests are kept,
 * how long shutdown waits for running requests, and the embedded Weft server. Spring binds and
 * validates them at startup: a value out of range stops the application with a message naming the
 * property and what to write instead. See docs/SPRING.md for the table.
 *
 * <p>Mutable only while Spring binds it; read it, do not change it, once the context is running.
 */
@ConfigurationProperties("weft")
public class WeftProperties implements Validator {

  /** Where requests and their calls are recorded. */
  public enum JournalKind {
    /** SQLite in {@code weft.data-dir}: durable, for one application instance at a time. */
    SQLITE,
    /** PostgreSQL at {@code weft.postgresql.url}: durable, shared by every instance (a fleet). */
    POSTGRESQL,
    /** Memory: requests are lost when the application stops (tests, demos). */
    MEMORY
  }

  /**
   * Where requests are journaled: sqlite (a file in weft.data-dir), postgresql (the database at
   * weft.postgresql.url, shared by every instance), or memory (lost when the application stops).
   */
  private JournalKind journal = JournalKind.SQLITE;

  /** The directory of the SQLite journal, the file weft.db in it; created if missing. */
  private Path dataDir = Path.of(".weft", "data");

  /** How long a durable journal keeps finished requests, with their calls, before deleting them. */
  private Duration retention = Duration.ofDays(7);

  /**
   * How long shutdown waits for running requests to end; those still running then stay journaled
   * as running and resume when the application starts again on the same journal.
   */
  private Duration shutdownTimeout = Duration.ofSeconds(30);

  private final Postgresql postgresql = new Postgresql();

  private final Server server = new Server();

  public JournalKind getJournal() {
    return journal;
  }

  public void setJournal(JournalKind journal) {
    this.journal = journal;
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Postgresql getPostgresql() {
    return postgresql;
  }

  public Server getServer() {
    return server;
  }

  /** {@code weft.postgresql.*}: the shared journal of {@code weft.journal=postgresql}. */
  public static class Postgresql {
    /** The database, jdbc:postgresql://host:5432/db or postgresql://host:5432/db (required with weft.journal=postgresql). */
    private String url;

    /** The database user, unless the URL names one. */
    private String user;

    /** The user's password, unless the URL has one. */
    private String password;

    /** The schema holding Weft's tables, created if missing: a lowercase SQL identifier. */
    private String schema = "weft";

    /** The most requests this instance runs at once that it takes over from instances that stopped or died. */
    private int capacity = 64;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getUser() {
      return user;
    }

    public void setUser(String user) {
      this.user = user;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getSchema() {
      return schema;
    }

    public void setSchema(String schema) {
      this.schema = schema;
    }

    public int getCapacity() {
      return capacity;
    }

    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }
  }

  /** {@code weft.server.*}: the embedded Weft server that serves the @Application beans over HTTP. */
  public static class Server {
    /** Whether to serve the @Application beans with the embedded Weft server (its own port, beside Spring's). */
    private boolean enabled = true;

    /**
     * The address to listen on. Beyond loopback (0.0.0.0, say) every request needs the bearer token
     * (one is generated and printed to standard error if weft.server.token is not set), and the server serves HTTPS
     * with weft.server.tls-certificate and tls-key, or plain HTTP only with weft.server.insecure=true.
     */
    private String host = "127.0.0.1";

    /** The port to listen on; 0 picks a free one, published as local.weft.server.port. */
    private int port = 8181;

    /** The bearer token every /v1 request must carry (16..512 visible ASCII characters); none by default on loopback. */
    private String token;

    /** A PEM file with the server's certificate chain (its own first): serve HTTPS. Give tls-key with it. */
    private Path tlsCertificate;

    /** A PEM file with the certificate's unencrypted private key (PKCS#8, or PKCS#1 RSA). */
    private Path tlsKey;

    /** Allow plain HTTP beyond loopback, where tokens and data cross the network readable by anyone on the path. */
    private boolean insecure;

    public Path getTlsCertificate() {
      return tlsCertificate;
    }

    public void setTlsCertificate(Path tlsCertificate) {
      this.tlsCertificate = tlsCertificate;
    }

    public Path getTlsKey() {
      return tlsKey;
    }

    public void setTlsKey(Path tlsKey) {
      this.tlsKey = tlsKey;
    }

    public boolean isInsecure() {
      return insecure;
    }

    public void setInsecure(boolean insecure) {
      this.insecure = insecure;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }
  }

  @Override
  public boolean supports(Class<?> type) {
    return WeftProperties.class.isAssignableFrom(type);
  }

  /** Spring calls this after binding; each rejection names the property and what to write. */
  @Override
  public void validate(Object target, Errors errors) {
    WeftProperties p = (WeftProperties) target;
    if (p.journal == null) {
      errors.rejectValue("journal", "required", "write weft.journal=sqlite, postgresql or memory");
    }
    if (p.journal == JournalKind.SQLITE && (p.dataDir == null || p.dataDir.toString().isBlank())) {
      errors.rejectValue("dataDir", "required", "weft.data-dir must name a directory, such as .weft/data");
    }
    if (p.retention == null || p.retention.isNegative() || p.retention.isZero()) {
      errors.rejectValue("retention", "positive", "weft.retention must be a positive duration, such as 7d or 12h");
    }
    if (p.shutdownTimeout == null || p.shutdownTimeout.isNegative()) {
      errors.rejectValue("shutdownTimeout", "notNegative",
          "weft.shutdown-timeout must be a duration of 0s or more, such as 30s");
    }
    if (p.journal == JournalKind.POSTGRESQL && (p.postgresql.url == null || p.postgresql.url.isBlank())) {
      errors.rejectValue("postgresql.url", "required", "weft.journal=postgresql needs weft.postgresql.url, "
          + "such as jdbc:postgresql://127.0.0.1:5432/app");
    }
    if (p.postgresql.capacity < 1 || p.postgresql.capacity > 100_000) {
      errors.rejectValue("postgresql.capacity", "range", "weft.postgresql.capacity must be 1..100000");
    }
    if (p.server.port < 0 || p.server.port > 65535) {
      errors.rejectValue("server.port", "range", "weft.server.port must be 0..65535 (0: any free port)");
    }
    if ((p.server.tlsCertificate == null) != (p.server.tlsKey == null)) {
      errors.rejectValue(p.server.tlsKey == null ? "server.tlsKey" : "server.tlsCertificate", "together",
          "give weft.server.tls-certificate and weft.server.tls-key together (the certificate chain and its key)");
    }
    if (p.server.host == null || p.server.host.isBlank()) {
      errors.rejectValue("server.host", "required",
          "weft.server.host must be an address, such as 127.0.0.1 (loopback) or 0.0.0.0 (every interface)");
    }
  }
}

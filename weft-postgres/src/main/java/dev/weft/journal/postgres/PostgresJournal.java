package dev.weft.journal.postgres;

import dev.weft.journal.Journal;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** STUB: the API compiles; behaviour follows. */
public final class PostgresJournal implements Journal {

  /** Options (stub). */
  public record Options(String url, String schema, String nodeId, Duration leaseDuration, int poolSize,
      int batchSize, Duration flushInterval, Duration retention) {
    /** Checks. */
    public Options {
      Objects.requireNonNull(url, "url");
    }

    /** Defaults for {@code url}. */
    public static Options defaults(String url) {
      return new Options(url, "weft", "node", Duration.ofSeconds(10), 8, 10_000, Duration.ofMillis(2),
          Duration.ofDays(7));
    }

    /** With schema. */
    public Options withSchema(String schema) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With nodeId. */
    public Options withNodeId(String nodeId) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With leaseDuration. */
    public Options withLeaseDuration(Duration leaseDuration) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With poolSize. */
    public Options withPoolSize(int poolSize) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With batchSize. */
    public Options withBatchSize(int batchSize) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With flushInterval. */
    public Options withFlushInterval(Duration flushInterval) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** With retention. */
    public Options withRetention(Duration retention) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }
  }

  /** A claimed request. */
  public record Claim(String requestId, String application, long epoch) {}

  private PostgresJournal() {}

  /** Opens. */
  public static PostgresJournal open(Options options) {
    throw new UnsupportedOperationException("stub");
  }

  /** Opens with defaults. */
  public static PostgresJournal open(String url) {
    return open(Options.defaults(url));
  }

  @Override
  public RequestLog create(NewRequest request) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public Optional<RequestLog> reopen(String requestId) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public List<RequestInfo> unfinished() {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public Optional<RequestInfo> info(String requestId) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public RequestPage list(RequestQuery query) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public Optional<Object> output(String requestId, Type declared) {
    throw new UnsupportedOperationException("stub");
  }

  /** Waits for everything queued. */
  public void flush() {
    throw new UnsupportedOperationException("stub");
  }

  /** Purges now. */
  public int purgeNow() {
    throw new UnsupportedOperationException("stub");
  }

  /** Claims expired. */
  public List<Claim> claimExpired(int limit) {
    throw new UnsupportedOperationException("stub");
  }

  /** Renews; returns lost. */
  public Set<String> renewLeases() {
    throw new UnsupportedOperationException("stub");
  }

  /** Lease-lost listener. */
  public void onLeaseLost(Consumer<String> listener) {
    throw new UnsupportedOperationException("stub");
  }

  /** Releases one lease. */
  public void release(String requestId) {
    throw new UnsupportedOperationException("stub");
  }

  /** Releases all leases. */
  public void releaseAll() {
    throw new UnsupportedOperationException("stub");
  }

  /** Sends a notification on the journal's channel, e.g. {@code cancel:<id>}. */
  public void publish(String payload) {
    throw new UnsupportedOperationException("stub");
  }

  /** Listens on the journal's channel. */
  public AutoCloseable listen(Consumer<String> listener) {
    throw new UnsupportedOperationException("stub");
  }

  /** This node's id. */
  public String nodeId() {
    throw new UnsupportedOperationException("stub");
  }

  /** The lease duration. */
  public Duration leaseDuration() {
    throw new UnsupportedOperationException("stub");
  }

  /** The pool. */
  public DataSource dataSource() {
    throw new UnsupportedOperationException("stub");
  }

  /** The schema. */
  public String schema() {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public void close() {}
}

package dev.weft.journal.postgres;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows of one request open here: the overlay readers consult before the database
 * (as the SQLite journal's; see docs/JOURNAL.md). {@code outputs} names every call with a recorded
 * output, a {@link Pending} one until the commit that holds it and {@link #COMMITTED} after;
 * {@code failures} holds every call's failed-attempt count. Both are complete once {@link #index}
 * has run: a request created here starts indexed, one read from the database is indexed from its
 * rows on first use.
 */
final class OpenRequest {
  /** An output recorded but not yet committed; identity matters (the writer replaces this one). */
  static final class Pending {
    final String json;

    Pending(String json) {
      this.json = json;
    }
  }

  /** The marker of an output that is in the database. */
  static final Object COMMITTED = new Object();

  /**
   * The request's fields as this node last set them.
   *
   * @param outputJson the output when SUCCEEDED and written here; else null
   */
  record Status(RequestState state, Optional<Instant> finishedAt, Optional<ProgressUpdate> progress,
      Optional<String> errorType, Optional<String> errorMessage, String outputJson) {}

  final String id;
  final String application;
  final Instant createdAt;
  final long seq;
  final Map<DurableId, Object> outputs = new ConcurrentHashMap<>();
  final Map<DurableId, Integer> failures = new ConcurrentHashMap<>();
  private volatile boolean indexed;
  private volatile Status status;
  /** Set once the finish is committed: later records of it are stragglers, dropped without alarm. */
  volatile boolean finishCommitted;
  /** The log bound to this node's current lease of the request. */
  volatile PgLog current;

  OpenRequest(String id, String application, Instant createdAt, long seq, Status status, boolean indexed) {
    this.id = id;
    this.application = application;
    this.createdAt = createdAt;
    this.seq = seq;
    this.status = status;
    this.indexed = indexed;
  }

  static Status running() {
    return new Status(RequestState.RUNNING, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        null);
  }

  Status status() {
    return status;
  }

  RequestInfo info() {
    Status s = status;
    return new RequestInfo(id, application, s.state(), createdAt, s.finishedAt(), s.progress(), s.errorType(),
        s.errorMessage());
  }

  /** Loads the call indexes from the database on first use; every call-level operation calls it first. */
  void index(Reads reads) {
    if (indexed) {
      return;
    }
    synchronized (this) {
      if (!indexed) {
        reads.indexCalls(id, outputs, failures);
        indexed = true;
      }
    }
  }

  /** Sets the progress unless finished; false if finished. */
  synchronized boolean progress(ProgressUpdate update) {
    Status s = status;
    if (s.state().finished()) {
      return false;
    }
    status = new Status(s.state(), s.finishedAt(), Optional.of(update), s.errorType(), s.errorMessage(), null);
    return true;
  }

  /** Marks the request finished; returns the new status, or null if it had finished already. */
  synchronized Status finish(RequestState state, Instant at, Optional<String> errorType,
      Optional<String> errorMessage, String outputJson) {
    Status s = status;
    if (s.state().finished()) {
      return null;
    }
    status = new Status(state, Optional.of(at), s.progress(), errorType, errorMessage, outputJson);
    return status;
  }
}

package dev.weft.journal.sqlite;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process knows of one request that it runs: the overlay that readers consult before
 * the database (see {@link SqliteJournal}'s overview).
 *
 * <p>Three indexes are complete once {@link #index} has run: {@code outputs} names every call with
 * a recorded output (a {@link Pending} one still waiting for its commit, or the {@code seq} of the
 * committed row that holds it); {@code failures} holds every call's failed-attempt count; and
 * {@code rows} maps every call that has a row to that row's {@code seq} (the writer's, to update
 * rather than insert). A call absent from {@code outputs} has no output, so the engine's {@code
 * find} before each call costs a map lookup, not a query. A request created in this process starts
 * indexed (the database knows nothing of it that this process did not write); one loaded from the
 * file is indexed from its {@code calls} rows on first use.
 *
 * <p>The request's own fields live in one immutable {@link Status}, replaced whole under this
 * object's lock, so a reader takes a consistent snapshot with one volatile read.
 */
final class OpenRequest {
  /** An output recorded but not yet committed; identity matters (the writer replaces this one). */
  static final class Pending {
    final String json;

    Pending(String json) {
      this.json = json;
    }
  }

  /**
   * The request's fields as this process last set them.
   *
   * @param outputJson the output when SUCCEEDED and written by this process; else null
   */
  record Status(RequestState state, Optional<Instant> finishedAt, Optional<ProgressUpdate> progress,
      Optional<String> errorType, Optional<String> errorMessage, String outputJson) {}

  final String id;
  final String application;
  final Instant createdAt;
  final long seq;
  final Map<DurableId, Object> outputs = new ConcurrentHashMap<>();
  final Map<DurableId, Integer> failures = new ConcurrentHashMap<>();
  final Map<DurableId, Long> rows = new ConcurrentHashMap<>();
  private volatile boolean indexed;
  private DurableId forget; // guarded by this
  private volatile Status status;

  OpenRequest(String id, String application, Instant createdAt, long seq, Status status, boolean indexed) {
    this.id = id;
    this.application = application;
    this.createdAt = createdAt;
    this.seq = seq;
    this.status = status;
    this.indexed = indexed;
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
  void index(Readers readers) {
    if (indexed) {
      return;
    }
    synchronized (this) {
      if (!indexed) {
        readers.indexCalls(id, outputs, failures, rows);
        if (forget != null) {
          outputs.remove(forget);
        }
        indexed = true;
      }
    }
  }

  /** From now on the output recorded for {@code call} is not served (its call runs again). */
  synchronized void forget(DurableId call) {
    if (indexed) {
      outputs.remove(call);
    } else {
      forget = call;
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

  /** Marks a finished request running again; false if it was running. */
  synchronized boolean reopen() {
    Status s = status;
    if (!s.state().finished()) {
      return false;
    }
    status = new Status(RequestState.RUNNING, Optional.empty(), s.progress(), Optional.empty(), Optional.empty(),
        null);
    return true;
  }
}

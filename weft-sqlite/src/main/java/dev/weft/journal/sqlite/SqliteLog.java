package dev.weft.journal.sqlite;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestLog;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.TransportException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Optional;

/**
 * One request's log in a {@link SqliteJournal}: records go to the writer's queue, reads go to the
 * request's overlay and then the file. Thread-safe; only {@link #input} and a {@link #find} of a
 * committed output run a query.
 */
final class SqliteLog implements RequestLog {
  private final SqliteJournal journal;
  private final OpenRequest req;
  private final boolean isNew;

  SqliteLog(SqliteJournal journal, OpenRequest req, boolean isNew) {
    this.journal = journal;
    this.req = req;
    this.isNew = isNew;
  }

  @Override
  public String requestId() {
    return req.id;
  }

  @Override
  public boolean isNew() {
    return isNew;
  }

  /**
   * @throws IllegalStateException if the request is no longer in the file (purged)
   * @throws TransportException if the recorded input does not read as {@code declared}
   */
  @Override
  public Object input(Type declared) {
    journal.ensureOpen();
    String json = journal.readers().input(req.id).orElseThrow(() -> new IllegalStateException(
        "request " + req.id + " is no longer in the journal " + journal.file() + " (purged after its retention)"));
    return SqliteJournal.CODEC.decode(json, declared);
  }

  @Override
  public Optional<Recorded> find(DurableId call, Type declared) {
    journal.ensureOpen();
    req.index(journal.readers());
    Object recorded = req.outputs.get(call);
    if (recorded == null) {
      return Optional.empty();
    }
    String json;
    if (recorded instanceof OpenRequest.Pending pending) {
      json = pending.json;
    } else {
      Optional<String> committed = journal.readers().callOutput((Long) recorded);
      if (committed.isEmpty()) {
        return Optional.empty();
      }
      json = committed.get();
    }
    try {
      return Optional.of(new Recorded(SqliteJournal.CODEC.decode(json, declared)));
    } catch (TransportException | UsageException e) {
      SqliteJournal.LOG.log(System.Logger.Level.WARNING, "journal: the recorded output of call " + Hex.of(call)
          + " of request " + req.id + " does not read as " + declared.getTypeName() + " (" + e.getMessage()
          + "); the call runs again");
      return Optional.empty();
    }
  }

  @Override
  public int failedAttempts(DurableId call) {
    journal.ensureOpen();
    req.index(journal.readers());
    return req.failures.getOrDefault(call, 0);
  }

  @Override
  public void started(DurableId call, Optional<DurableId> parent, String function, Object[] args, Type[] argTypes) {
    journal.ensureOpen();
    req.index(journal.readers());
    String argsJson;
    try {
      argsJson = SqliteJournal.CODEC.encodeArgs(args, argTypes);
    } catch (RuntimeException e) {
      // A call whose arguments cannot be journaled could not be replayed: fail it (the engine
      // fails the call with this, never retried, and its caller's result() throws it).
      throw new dev.weft.UsageException(function + ": its arguments cannot be stored in the journal ("
          + e.getMessage() + "); pass records, collections, maps, strings, numbers, booleans, enums, "
          + "byte arrays or Optionals of them", e);
    }
    req.outputs.remove(call); // it runs again: whatever was recorded did not serve
    journal.enqueue(new Rec.Started(req, call, Hex.of(call), parent.map(Hex::of).orElse(null), function, argsJson,
        journal.clock().millis()));
  }

  @Override
  public void completed(DurableId call, String function, Object output, Type declared) {
    journal.ensureOpen();
    req.index(journal.readers());
    long at = journal.clock().millis();
    String json;
    try {
      json = SqliteJournal.CODEC.encode(output, declared);
    } catch (RuntimeException e) {
      journal.warnOnce(function, "output", e);
      req.outputs.remove(call);
      journal.enqueue(new Rec.Completed(req, call, Hex.of(call), function, null, SqliteJournal.errorJson(e), at,
          null));
      return;
    }
    OpenRequest.Pending pending = new OpenRequest.Pending(json);
    req.outputs.put(call, pending);
    journal.enqueue(new Rec.Completed(req, call, Hex.of(call), function, json, null, at, pending));
  }

  @Override
  public void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry) {
    journal.ensureOpen();
    req.index(journal.readers());
    req.failures.merge(call, 1, Integer::sum);
    journal.enqueue(new Rec.AttemptFailed(req, call, Hex.of(call), function, SqliteJournal.errorJson(failure),
        willRetry, journal.clock().millis()));
  }

  @Override
  public void progress(ProgressUpdate update) {
    journal.ensureOpen();
    if (req.progress(update)) {
      journal.enqueue(new Rec.Progress(req, update));
    }
  }

  /**
   * Records the finish; the writer commits it without waiting for other records, but this method
   * does not wait for the commit (see {@link SqliteJournal}'s durability notes). A second finish
   * is ignored, as is a finish of a request not open in this process.
   */
  @Override
  public void finished(RequestState state, Object output, Type outputType, Optional<Throwable> failure) {
    finish(state, output, outputType, failure, Optional.empty());
  }

  /** As {@link #finished}, with the engine's description of the failure as the error message. */
  @Override
  public void failed(RequestState state, Throwable failure, String description) {
    finish(state, null, Void.class, Optional.of(failure), Optional.of(description));
  }

  private void finish(RequestState state, Object output, Type outputType, Optional<Throwable> failure,
      Optional<String> description) {
    journal.ensureOpen();
    long at = journal.clock().millis();
    String outputJson = null;
    String errorJson = null;
    Optional<String> errorType = Optional.empty();
    Optional<String> errorMessage = Optional.empty();
    if (failure.isPresent()) {
      ErrorPayload payload = ErrorPayload.of(failure.get());
      errorJson = SqliteJournal.errorJson(payload);
      errorType = Optional.of(payload.type());
      errorMessage = description.or(() -> Optional.ofNullable(payload.message()));
    } else if (state == RequestState.SUCCEEDED) {
      try {
        outputJson = SqliteJournal.CODEC.encode(output, outputType);
      } catch (RuntimeException e) {
        journal.warnOnce(req.application, "request output", e);
        errorJson = SqliteJournal.errorJson(e);
      }
    }
    OpenRequest.Status status = req.finish(state, Instant.ofEpochMilli(at), errorType, errorMessage, outputJson);
    if (status != null) {
      journal.enqueue(new Rec.Finished(req, state, outputJson, errorJson, errorType.orElse(null),
          errorMessage.orElse(null), at, status));
    }
  }

  @Override
  public String toString() {
    return "SqliteLog[" + req.id + "]";
  }
}

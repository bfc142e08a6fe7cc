package dev.weft.journal.postgres;

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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's log in a {@link PostgresJournal}, bound to one lease epoch: records go to the
 * writer's queue, which writes them only while this node holds the request at that epoch; reads go
 * to the overlay, then the database. Thread-safe; only {@link #input} and a {@link #find} of a
 * committed output run a query. Once fenced (the lease was lost) every record is dropped at once.
 */
final class PgLog implements RequestLog {
  private final PostgresJournal journal;
  final OpenRequest req;
  private final boolean isNew;
  final long epoch;
  private final AtomicBoolean fenced = new AtomicBoolean();
  private final AtomicBoolean told = new AtomicBoolean();

  PgLog(PostgresJournal journal, OpenRequest req, boolean isNew, long epoch) {
    this.journal = journal;
    this.req = req;
    this.isNew = isNew;
    this.epoch = epoch;
  }

  boolean fenced() {
    return fenced.get();
  }

  /** False once fenced: another node holds the request, so the engine follows its record instead. */
  @Override
  public boolean writable() {
    return !fenced.get();
  }

  /** Marks the log fenced; true the first time (the caller tells the listeners then, if asked). */
  boolean fence() {
    fenced.set(true);
    return told.compareAndSet(false, true);
  }

  /** Marks the log fenced without anyone to tell (a lease given up on purpose). */
  void fenceQuietly() {
    fenced.set(true);
    told.set(true);
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
   * @throws IllegalStateException if the request is no longer in the database (purged)
   * @throws TransportException if the recorded input does not read as {@code declared}
   */
  @Override
  public Object input(Type declared) {
    journal.ensureOpen();
    String json = journal.reads().input(req.id).orElseThrow(() -> new IllegalStateException(
        "request " + req.id + " is no longer in the journal " + journal + " (purged after its retention)"));
    return PostgresJournal.CODEC.decode(json, declared);
  }

  @Override
  public Optional<Recorded> find(DurableId call, Type declared) {
    journal.ensureOpen();
    req.index(journal.reads());
    Object recorded = req.outputs.get(call);
    if (recorded == null) {
      return Optional.empty();
    }
    String json;
    if (recorded instanceof OpenRequest.Pending pending) {
      json = pending.json;
    } else {
      Optional<String> committed = journal.reads().callOutput(req.id, call.toString());
      if (committed.isEmpty()) {
        return Optional.empty();
      }
      json = committed.get();
    }
    try {
      return Optional.of(new Recorded(PostgresJournal.CODEC.decode(json, declared)));
    } catch (TransportException | UsageException e) {
      PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal: the recorded output of call " + call
          + " of request " + req.id + " does not read as " + declared.getTypeName() + " (" + e.getMessage()
          + "); the call runs again");
      return Optional.empty();
    }
  }

  @Override
  public int failedAttempts(DurableId call) {
    journal.ensureOpen();
    req.index(journal.reads());
    return req.failures.getOrDefault(call, 0);
  }

  @Override
  public void started(DurableId call, Optional<DurableId> parent, String function, Object[] args, Type[] argTypes) {
    journal.ensureOpen();
    req.index(journal.reads());
    String argsJson;
    try {
      argsJson = PostgresJournal.CODEC.encodeArgs(args, argTypes);
    } catch (RuntimeException e) {
      throw new UsageException(function + ": its arguments cannot be stored in the journal ("
          + e.getMessage() + "); pass records, collections, maps, strings, numbers, booleans, enums, "
          + "byte arrays or Optionals of them", e);
    }
    if (fenced.get()) {
      return;
    }
    req.outputs.remove(call); // it runs again: whatever was recorded did not serve
    journal.enqueue(new Rec.Started(this, call, call.toString(), parent.map(DurableId::toString).orElse(null),
        function, argsJson));
  }

  @Override
  public void completed(DurableId call, String function, Object output, Type declared) {
    journal.ensureOpen();
    req.index(journal.reads());
    if (fenced.get()) {
      return;
    }
    String json;
    try {
      json = PostgresJournal.CODEC.encode(output, declared);
    } catch (RuntimeException e) {
      journal.warnOnce(function, "output", e);
      req.outputs.remove(call);
      journal.enqueue(new Rec.Completed(this, call, call.toString(), function, null, PostgresJournal.errorJson(e), null));
      return;
    }
    OpenRequest.Pending pending = new OpenRequest.Pending(json);
    req.outputs.put(call, pending);
    journal.enqueue(new Rec.Completed(this, call, call.toString(), function, json, null, pending));
  }

  @Override
  public void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry) {
    journal.ensureOpen();
    req.index(journal.reads());
    if (fenced.get()) {
      return;
    }
    int total = req.failures.merge(call, 1, Integer::sum);
    journal.enqueue(new Rec.AttemptFailed(this, call, call.toString(), function, PostgresJournal.errorJson(failure),
        willRetry, total));
  }

  @Override
  public void progress(ProgressUpdate update) {
    journal.ensureOpen();
    if (!fenced.get() && req.progress(update)) {
      journal.enqueue(new Rec.Progress(this, update));
    }
  }

  /**
   * Records the finish; the writer commits it without waiting for other records, but this method
   * does not wait for the commit. A second finish is ignored, as is the finish of a fenced log.
   */
  @Override
  public void finished(RequestState state, Object output, Type outputType, Optional<Throwable> failure) {
    finish(state, output, outputType, failure, Optional.empty());
  }

  /** Records the failure with {@code description} (function, attempt, type, causes) as its message. */
  @Override
  public void failed(RequestState state, Throwable failure, String description) {
    finish(state, null, Void.class, Optional.of(failure), Optional.of(description));
  }

  private void finish(RequestState state, Object output, Type outputType, Optional<Throwable> failure,
      Optional<String> description) {
    journal.ensureOpen();
    if (fenced.get()) {
      return;
    }
    String outputJson = null;
    String errorJson = null;
    Optional<String> errorType = Optional.empty();
    Optional<String> errorMessage = Optional.empty();
    if (failure.isPresent()) {
      ErrorPayload payload = ErrorPayload.of(failure.get());
      errorJson = PostgresJournal.errorJson(payload);
      errorType = Optional.of(payload.type());
      errorMessage = description.or(() -> Optional.ofNullable(payload.message()));
    } else if (state == RequestState.SUCCEEDED) {
      try {
        outputJson = PostgresJournal.CODEC.encode(output, outputType);
      } catch (RuntimeException e) {
        journal.warnOnce(req.application, "request output", e);
        errorJson = PostgresJournal.errorJson(e);
      }
    }
    OpenRequest.Status status = req.finish(state, Instant.now(), errorType, errorMessage, outputJson);
    if (status != null) {
      journal.enqueue(new Rec.Finished(this, state, outputJson, errorJson, errorType.orElse(null),
          errorMessage.orElse(null), status));
    }
  }

  @Override
  public String toString() {
    return "PgLog[" + req.id + ", epoch " + epoch + (fenced.get() ? ", fenced]" : "]");
  }
}

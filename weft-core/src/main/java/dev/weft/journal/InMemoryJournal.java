package dev.weft.journal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A journal in this process's memory: a retried call takes its finished children from it, but
 * nothing survives the process. A request's record is dropped when it finishes, so memory holds
 * only running requests. Thread-safe, never blocks.
 */
public final class InMemoryJournal implements Journal {
  private final Map<String, Log> running = new ConcurrentHashMap<>();

  @Override
  public RequestLog open(String requestId, String application) {
    return running.computeIfAbsent(requestId, id -> new Log(id, this));
  }

  /** How many requests have a record here now. */
  public int openRequests() {
    return running.size();
  }

  private static final class Log implements RequestLog {
    private static final Object NULL = new Object();
    private final String requestId;
    private final InMemoryJournal journal;
    private final Map<DurableId, Object> outputs = new ConcurrentHashMap<>();

    Log(String requestId, InMemoryJournal journal) {
      this.requestId = requestId;
      this.journal = journal;
    }

    @Override
    public String requestId() {
      return requestId;
    }

    @Override
    public Optional<Recorded> find(DurableId call) {
      Object output = outputs.get(call);
      return output == null ? Optional.empty() : Optional.of(new Recorded(output == NULL ? null : output));
    }

    @Override
    public void completed(DurableId call, String function, Object output) {
      outputs.put(call, output == null ? NULL : output);
    }

    @Override
    public void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry) {
      // Failed attempts leave nothing to replay in memory.
    }

    @Override
    public void finished(Optional<Throwable> failure, Object output) {
      journal.running.remove(requestId, this);
    }
  }
}

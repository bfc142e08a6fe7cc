package dev.weft.journal;

import dev.weft.IdempotencyKeyReusedException;
import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A journal in this process's memory: a retried call takes its finished children from it, but
 * nothing survives the process. The calls of a request are dropped when it finishes; what is kept
 * of finished requests (their info and output) is bounded by {@code retainFinished}, oldest
 * dropped first. It keeps no call rows, so {@link #calls(String)} is always empty (use a durable
 * journal to see a request's call tree). Thread-safe; never blocks.
 */
public final class InMemoryJournal implements Journal {
  private static final Object NULL = new Object();

  private final int retainFinished;
  private final Map<String, Log> requests = new ConcurrentHashMap<>();
  private final Map<String, String> byKey = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<String> finishedOrder = new ConcurrentLinkedDeque<>();
  private final AtomicLong sequence = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger finishedCount = new java.util.concurrent.atomic.AtomicInteger();

  /** Keeps the last 10,000 finished requests. */
  public InMemoryJournal() {
    this(10_000);
  }

  /**
   * @throws IllegalArgumentException unless {@code retainFinished} is at least 1
   */
  public InMemoryJournal(int retainFinished) {
    if (retainFinished < 1) {
      throw new IllegalArgumentException("retainFinished must be at least 1, was " + retainFinished);
    }
    this.retainFinished = retainFinished;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here the same input means {@link Objects#deepEquals}: equal values (arrays by content).
   */
  @Override
  public RequestLog create(NewRequest request) {
    if (request.idempotencyKey().isPresent()) {
      String key = request.idempotencyKey().get();
      String existing = byKey.putIfAbsent(key, request.id());
      Log first = existing == null ? null : requests.get(existing);
      if (first != null) {
        return first.repeatOf(request);
      }
    }
    Log log = new Log(this, request, sequence.incrementAndGet());
    Log previous = requests.putIfAbsent(request.id(), log);
    return previous == null ? log : previous.repeatOf(request);
  }

  @Override
  public Optional<RequestLog> reopen(String requestId) {
    return Optional.ofNullable(requests.get(requestId));
  }

  @Override
  public List<RequestInfo> unfinished() {
    return requests.values().stream().filter(l -> !l.state.finished()).map(Log::info).toList();
  }

  @Override
  public Optional<RequestInfo> info(String requestId) {
    return Optional.ofNullable(requests.get(requestId)).map(Log::info);
  }

  @Override
  public RequestPage list(RequestQuery query) {
    long after = query.after().map(Long::parseLong).orElse(Long.MAX_VALUE);
    List<Log> matching = requests.values().stream()
        .filter(l -> l.sequence < after)
        .filter(l -> query.application().map(a -> a.equals(l.request.application())).orElse(true))
        .filter(l -> query.state().map(s -> s == l.state).orElse(true))
        .sorted(Comparator.comparingLong((Log l) -> l.sequence).reversed())
        .limit(query.limit() + 1L)
        .toList();
    List<RequestInfo> page = new ArrayList<>();
    for (int i = 0; i < Math.min(query.limit(), matching.size()); i++) {
      page.add(matching.get(i).info());
    }
    Optional<String> next = matching.size() > query.limit()
        ? Optional.of(String.valueOf(matching.get(query.limit() - 1).sequence))
        : Optional.empty();
    return new RequestPage(page, next);
  }

  @Override
  public Optional<Object> output(String requestId, Type declared) {
    Log log = requests.get(requestId);
    return log == null || log.state != RequestState.SUCCEEDED ? Optional.empty() : Optional.ofNullable(log.output);
  }

  @Override
  public Optional<Object> input(String requestId, Type declared) {
    Log log = requests.get(requestId);
    return log == null ? Optional.empty() : Optional.ofNullable(log.request.input());
  }

  /** Keeps at most {@code retainFinished} finished requests: each retirement drops the oldest beyond that. */
  private void retire(Log log) {
    finishedOrder.add(log.request.id());
    // ConcurrentLinkedDeque.size() walks the deque, so the count is kept beside it
    if (finishedCount.incrementAndGet() <= retainFinished) {
      return;
    }
    String oldest = finishedOrder.poll();
    if (oldest == null) {
      return;
    }
    finishedCount.decrementAndGet();
    Log removed = requests.remove(oldest);
    if (removed != null) {
      removed.request.idempotencyKey().ifPresent(k -> byKey.remove(k, oldest));
    }
  }

  private static final class Log implements RequestLog {
    private final InMemoryJournal journal;
    private final NewRequest request;
    private final long sequence;
    private final boolean isNew;
    private final Instant createdAt;
    private final Map<DurableId, Object> outputs;
    private final Map<DurableId, Integer> failures;
    private volatile RequestState state = RequestState.RUNNING;
    private volatile ProgressUpdate progress;
    private volatile Instant finishedAt;
    private volatile Object output;
    private volatile Throwable failure;
    /** How the failure reads for people, as the engine described it. */
    private volatile String description;

    Log(InMemoryJournal journal, NewRequest request, long sequence) {
      this(journal, request, sequence, true, Instant.now(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    private Log(InMemoryJournal journal, NewRequest request, long sequence, boolean isNew, Instant createdAt,
        Map<DurableId, Object> outputs, Map<DurableId, Integer> failures) {
      this.journal = journal;
      this.request = request;
      this.sequence = sequence;
      this.isNew = isNew;
      this.createdAt = createdAt;
      this.outputs = outputs;
      this.failures = failures;
    }

    /**
     * The same request, seen by an idempotent repeat {@code again}.
     *
     * @throws IdempotencyKeyReusedException if {@code again} has another application or input
     */
    RequestLog repeatOf(NewRequest again) {
      String key = again.idempotencyKey().orElse(again.id());
      if (!request.application().equals(again.application())) {
        throw IdempotencyKeyReusedException.forAnotherApplication(key, request.application(), again.application());
      }
      if (!Objects.deepEquals(request.input(), again.input())) {
        throw IdempotencyKeyReusedException.forAnotherInput(key, request.application());
      }
      return repeat();
    }

    private RequestLog repeat() {
      Log self = this;
      return new RequestLog() {
        @Override public String requestId() { return self.requestId(); }
        @Override public boolean isNew() { return false; }
        @Override public Object input(Type declared) { return self.input(declared); }
        @Override public Optional<Recorded> find(DurableId call, Type declared) { return self.find(call, declared); }
        @Override public int failedAttempts(DurableId call) { return self.failedAttempts(call); }
        @Override public void started(DurableId c, Optional<DurableId> p, String f, Object[] a, Type[] t) { self.started(c, p, f, a, t); }
        @Override public void completed(DurableId c, String f, Object o, Type d) { self.completed(c, f, o, d); }
        @Override public void attemptFailed(DurableId c, String f, int n, Throwable e, boolean r) { self.attemptFailed(c, f, n, e, r); }
        @Override public void progress(ProgressUpdate u) { self.progress(u); }
        @Override public void finished(RequestState s, Object o, Type t, Optional<Throwable> e) { self.finished(s, o, t, e); }
        @Override public void failed(RequestState s, Throwable e, String d) { self.failed(s, e, d); }
      };
    }

    RequestInfo info() {
      Throwable f = failure;
      return new RequestInfo(request.id(), request.application(), state, createdAt, Optional.ofNullable(finishedAt),
          Optional.ofNullable(progress), Optional.ofNullable(f).map(t -> t.getClass().getName()),
          Optional.ofNullable(f).map(t -> description != null ? description : t.getMessage()));
    }

    @Override
    public String requestId() {
      return request.id();
    }

    @Override
    public boolean isNew() {
      return isNew;
    }

    @Override
    public Object input(Type declared) {
      return request.input();
    }

    @Override
    public Optional<Recorded> find(DurableId call, Type declared) {
      Object out = outputs.get(call);
      return out == null ? Optional.empty() : Optional.of(new Recorded(out == NULL ? null : out));
    }

    @Override
    public int failedAttempts(DurableId call) {
      return failures.getOrDefault(call, 0);
    }

    @Override
    public void started(DurableId call, Optional<DurableId> parent, String function, Object[] args, Type[] argTypes) {
      // In memory there is nothing to gain from keeping arguments.
    }

    @Override
    public void completed(DurableId call, String function, Object output, Type declared) {
      outputs.put(call, output == null ? NULL : output);
    }

    @Override
    public void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry) {
      failures.merge(call, 1, Integer::sum);
    }

    @Override
    public void progress(ProgressUpdate update) {
      progress = update;
    }

    @Override
    public synchronized void failed(RequestState state, Throwable failure, String description) {
      if (this.state.finished()) {
        return;
      }
      this.description = description;
      finished(state, null, Void.class, Optional.of(failure));
    }

    @Override
    public synchronized void finished(RequestState state, Object output, Type outputType, Optional<Throwable> failure) {
      if (this.state.finished()) {
        return;
      }
      this.output = output;
      this.failure = failure.orElse(null);
      this.finishedAt = Instant.now();
      this.state = state;
      outputs.clear();
      failures.clear();
      journal.retire(this);
    }
  }
}

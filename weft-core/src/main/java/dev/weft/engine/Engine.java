package dev.weft.engine;

import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.IdempotencyKeyReusedException;
import dev.weft.Request;
import dev.weft.UsageException;
import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's machinery: event loops and their watchdog, the timer wheel, the journal, and the
 * local run that calls outside any request belong to. Thread-safe.
 */
public final class Engine {
  private static final class Shared {
    static final Engine INSTANCE = new Engine(new EngineConfig(
        Math.max(1, Runtime.getRuntime().availableProcessors()), java.time.Duration.ofMillis(100), false,
        r -> {}, new dev.weft.journal.InMemoryJournal()));
  }

  private final EngineConfig config;
  private final EventLoop[] loops;
  private final LoopWatchdog watchdog;
  private final TimerWheel timer;
  /** The time retries and timeouts follow; {@code Clock.SYSTEM} unless a test kit gave its own. */
  final dev.weft.spi.Clock clock;
  /** Around every attempt's body, or null (then bodies are called directly). */
  final dev.weft.spi.CallInterceptor interceptor;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final RequestRun local;
  private final Map<String, RequestHandle<?>> running = new ConcurrentHashMap<>();
  /** Where {@code Placement.FLEET} calls go; null when the journal has no work queue. */
  private final dev.weft.journal.WorkQueue workQueue;
  /** Told what runs; {@link Observers#NONE} when nothing observes, and then never called. */
  final dev.weft.observe.WeftObserver observer;
  /** Whether {@link #observer} is a real one: every notification is behind this flag. */
  final boolean observed;
  /** Set by {@link #close(Duration)}: new requests are refused from then on. */
  private volatile boolean closing;

  public Engine(EngineConfig config) {
    this.config = config;
    this.clock = config.clock();
    this.interceptor = config.interceptor();
    this.timer = new TimerWheel(clock);
    this.loops = new EventLoop[config.eventLoops()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new EventLoop("weft-loop-" + i);
    }
    this.observer = config.observer();
    this.observed = observer != Observers.NONE;
    this.watchdog = new LoopWatchdog(loops, config.blockedLoopThreshold(), config.failOnBlockedLoop(),
        config.blockedLoopListener(), observed ? observer : null);
    this.workQueue = config.journal().workQueue().orElse(null);
    if (observed) {
      config.journal().observedBy(observer);
      observer.runtimeStarted(new dev.weft.observe.RuntimeGauges() {
        @Override
        public int runningRequests() {
          return running.size();
        }

        @Override
        public int queuedLoopTasks() {
          int n = 0;
          for (EventLoop loop : loops) {
            n += loop.queued();
          }
          return n;
        }

        @Override
        public int queuedJournalWrites() {
          return config.journal().queuedWrites();
        }

        @Override
        public int eventLoops() {
          return loops.length;
        }
      });
    }
    this.local = new RequestRun(this, RequestRun.LOCAL_ID, "local", null, null, 0, FunctionDef.DEFAULT_TIMEOUT, false);
  }

  /** The engine of the default runtime, which also runs calls made outside any request. */
  public static Engine shared() {
    return Shared.INSTANCE;
  }

  Frame localRoot() {
    return local.root();
  }

  /** {@code task} as the clock tracks it (see {@link dev.weft.spi.Clock#track}); itself with the system clock. */
  Runnable track(Runnable task) {
    return clock == dev.weft.spi.Clock.SYSTEM ? task : clock.track(task);
  }

  TimerWheel timer() {
    return timer;
  }

  /**
   * Blocks until {@code target} is done or {@code nanos} of this engine's clock have passed
   * ({@link Long#MAX_VALUE}: no limit), and
   * says whether it is done; on an event-loop thread it runs the loop's tasks meanwhile (else it
   * could wait on itself). Every timed wait on a call, a request or a fork goes through here, so
   * that under a test kit's virtual clock those waits end when that clock says so.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  boolean awaitDone(CompletableFuture<?> target, long nanos) throws InterruptedException {
    if (target.isDone()) {
      return true;
    }
    if (nanos == Long.MAX_VALUE) { // no time limit: no clock involved
      helpOnLoop(target, Long.MAX_VALUE);
      return waitFor(target, Long.MAX_VALUE);
    }
    long wait = Math.min(Math.max(0, nanos), Long.MAX_VALUE / 4); // a deadline of "now + wait" must not overflow
    if (clock == dev.weft.spi.Clock.SYSTEM) {
      long deadline = System.nanoTime() + wait;
      helpOnLoop(target, deadline);
      return waitFor(target, Math.max(0, deadline - System.nanoTime()));
    }
    CompletableFuture<Void> timedOut = new CompletableFuture<>();
    dev.weft.spi.Clock.Cancellable alarm = clock.schedule(() -> timedOut.complete(null), wait);
    try {
      CompletableFuture<Object> either = CompletableFuture.anyOf(target, timedOut);
      helpOnLoop(either, Long.MAX_VALUE);
      waitFor(either, Long.MAX_VALUE);
      return target.isDone();
    } finally {
      alarm.cancel();
    }
  }

  private static void helpOnLoop(CompletableFuture<?> target, long deadlineNanos) throws InterruptedException {
    EventLoop loop = EventLoop.current();
    if (loop != null) {
      loop.runUntil(target, deadlineNanos);
    }
  }

  /** Waits for {@code target} to complete, however it completes; false if {@code nanos} passed first. */
  private static boolean waitFor(CompletableFuture<?> target, long nanos) throws InterruptedException {
    try {
      if (nanos == Long.MAX_VALUE) {
        target.get();
      } else {
        target.get(nanos, TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException | CancellationException e) {
      // done, by failing: the caller reads the outcome from the future itself
    } catch (TimeoutException e) {
      return false;
    }
    return true;
  }

  /** The journal's work queue, or null. */
  dev.weft.journal.WorkQueue workQueue() {
    return workQueue;
  }

  /** The loop an async call runs on: the caller's own loop if it is on one, else the next in turn. */
  EventLoop loopForCall() {
    EventLoop here = EventLoop.current();
    if (here != null) {
      return here;
    }
    return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
  }

  /** Starts {@code app} as a request; see {@code WeftRuntime.submit}. */
  public <A, R> Request<R> submit(Fn1<A, R> app, A input, Optional<String> idempotencyKey) {
    refuseIfClosing();
    FunctionSpec spec = applicationSpec(app);
    FunctionDef def = spec.def();
    idempotencyKey.ifPresent(Engine::checkKey);
    Inputs.rejectNestedInArgument(input, def.name(), 0);
    String id = idempotencyKey.orElseGet(() -> UUID.randomUUID().toString());
    RequestLog log = config.journal().create(new NewRequest(id, def.name(), input, def.paramGenericType(0), idempotencyKey));
    if (!log.isNew()) {
      return existing(spec, log, id);
    }
    return start(spec, log, input, false);
  }

  /** Resumes every request the journal has as running; returns how many were resumed. */
  public int resumeUnfinished(java.util.function.Function<String, Optional<Fn1<Object, Object>>> applications) {
    int resumed = 0;
    for (RequestInfo info : config.journal().unfinished()) {
      if (running.containsKey(info.id())) {
        continue;
      }
      Optional<Fn1<Object, Object>> app = applications.apply(info.application());
      if (app.isEmpty()) {
        Threads.log().log(System.Logger.Level.WARNING, "cannot resume request " + info.id() + ": application "
            + info.application() + " is not hosted here");
        continue;
      }
      if (resume(app.get(), info.id()).isPresent()) {
        resumed++;
      }
    }
    return resumed;
  }

  /**
   * Runs request {@code id} again under the same id: every call whose output is recorded returns
   * it without running; calls after a divergence run fresh.
   */
  public <A, R> Optional<Request<R>> resume(Fn1<A, R> app, String id) {
    refuseIfClosing();
    FunctionSpec spec = applicationSpec(app);
    RequestHandle<?> live = running.get(id);
    if (live != null) {
      @SuppressWarnings("unchecked")
      Request<R> r = (Request<R>) live;
      return Optional.of(r);
    }
    Optional<RequestLog> log = config.journal().reopen(id);
    if (log.isEmpty()) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    A input = (A) log.get().input(spec.def().paramGenericType(0));
    return Optional.of(start(spec, log.get(), input, true));
  }

  /**
   * Stops running request {@code id} here without recording an end: see {@code WeftRuntime.abandon}.
   * Returns whether it was running here (and had not finished).
   */
  public boolean abandon(String id, RuntimeException reason) {
    RequestHandle<?> live = running.get(id);
    if (live == null) {
      return false;
    }
    return live.abandon(reason);
  }

  /** The request with this id if it runs in this engine now. */
  public Optional<Request<?>> running(String id) {
    return Optional.ofNullable(running.get(id));
  }

  private <R> Request<R> existing(FunctionSpec spec, RequestLog log, String key) {
    RequestHandle<?> live = running.get(log.requestId());
    if (live != null) {
      sameApplication(spec, live.application(), key);
      @SuppressWarnings("unchecked")
      Request<R> r = (Request<R>) live;
      return r;
    }
    RequestInfo info = config.journal().info(log.requestId()).orElseThrow();
    sameApplication(spec, info.application(), key);
    if (!info.state().finished() && log.writable()) {
      @SuppressWarnings("unchecked")
      Request<R> resumed = (Request<R>) start(spec, log, log.input(spec.def().paramGenericType(0)), true);
      return resumed;
    }
    // finished, or running in another process that holds it: a view of its record
    return new RecordedRequest<>(config.journal(), info, spec.def().outputType());
  }

  private <R> Request<R> start(FunctionSpec spec, RequestLog log, Object input, boolean resumed) {
    FunctionDef def = spec.def();
    DurableId rootId = DurableId.root(def.name());
    RequestRun run = new RequestRun(this, log.requestId(), def.name(), log, rootId, Math.max(0, def.retries()),
        def.timeout().orElse(FunctionDef.DEFAULT_TIMEOUT), resumed);
    CallFuture<R> root = new CallFuture<>(spec, new Object[] {input}, run.root(), rootId, -1, null);
    RequestHandle<R> handle = new RequestHandle<>(run, root);
    running.put(log.requestId(), handle);
    dev.weft.observe.Observation observation = dev.weft.observe.Observation.NONE;
    if (observed) {
      try {
        observation = observer.requestStarted(run.observed(resumed));
      } catch (Throwable t) {
        Threads.log().log(System.Logger.Level.ERROR, "observer failed at the start of request " + log.requestId(), t);
      }
      run.root().observation = observation;
    }
    dev.weft.observe.Observation requestObservation = observation;
    // The request's outcome is shown only after the journal has it, so nobody sees an output
    // that a crash could still turn back into a running request.
    root.result.whenComplete((v, e) -> {
      Throwable failure = e == null ? null : Failures.unwrap(e);
      RequestState state = failure == null ? RequestState.SUCCEEDED
          : root.result.isCancelled() ? RequestState.CANCELLED : RequestState.FAILED;
      try {
        if (handle.abandoned()) {
          // an abandoned run belongs to another process now: it records nothing
        } else if (failure == null) {
          log.finished(state, v, def.outputType(), Optional.empty());
        } else {
          log.failed(state, failure, state == RequestState.CANCELLED
              ? "request " + log.requestId() + " was cancelled" : FailureText.describe(failure));
          if (state == RequestState.FAILED) {
            EngineLog.requestFailed(log.requestId(), def.name(), failure);
          }
        }
      } catch (Throwable t) {
        Threads.log().log(System.Logger.Level.ERROR, "could not journal the end of request " + log.requestId(), t);
      } finally {
        running.remove(log.requestId(), handle);
        if (observed) {
          try {
            requestObservation.ended(switch (state) {
              case SUCCEEDED -> dev.weft.observe.Outcome.SUCCEEDED;
              case CANCELLED -> dev.weft.observe.Outcome.CANCELLED;
              default -> dev.weft.observe.Outcome.FAILED;
            }, Optional.ofNullable(failure));
          } catch (Throwable t) {
            Threads.log().log(System.Logger.Level.ERROR, "observer failed at the end of request " + log.requestId(), t);
          }
        }
        handle.finished(v, failure);
      }
    });
    root.startIfNeeded();
    return handle;
  }

  /**
   * A journal checks that a reused key names the same application, and this is the engine's own
   * guard: a request of another application would fail later, in {@code result()}, with a
   * ClassCastException instead of saying what is wrong.
   */
  private static void sameApplication(FunctionSpec spec, String first, String key) {
    if (!first.equals(spec.def().name())) {
      throw IdempotencyKeyReusedException.forAnotherApplication(key, first, spec.def().name());
    }
  }

  private static FunctionSpec applicationSpec(Fn1<?, ?> app) {
    if (!(app instanceof Handle handle)) {
      throw new UsageException("run an application through a handle from Weft.fn or Weft.asyncFn");
    }
    FunctionDef def = handle.spec().def();
    if (!def.isApplication()) {
      throw new UsageException(def.name() + " is not an application; annotate its method with @"
          + Application.class.getSimpleName() + " (beside @Function) to run it as a request");
    }
    return handle.spec();
  }

  private static void checkKey(String key) {
    if (key.isEmpty() || key.length() > 64 || !key.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new UsageException("an idempotency key must be 1..64 visible ASCII characters, was '" + key + "'");
    }
  }

  private void refuseIfClosing() {
    if (closing) {
      throw new RejectedExecutionException(
          "this runtime is shutting down and takes no new requests; submit to a runtime that is running");
    }
  }

  /**
   * Refuses new requests, waits up to {@code grace} for the running ones to end, abandons those
   * still running (nothing records their end, so the journal keeps them as running), then
   * {@link #close()}s. Returns the ids abandoned. An interrupt ends the wait early and stays set.
   */
  public List<String> close(Duration grace) {
    if (this == shared()) {
      return List.of();
    }
    closing = true;
    long deadline = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    // A request submitted just before the flag was set may appear after a snapshot: look again.
    while (!running.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      CompletableFuture<?>[] outcomes = running.values().stream()
          .map(RequestHandle::outcome).toArray(CompletableFuture<?>[]::new);
      try {
        CompletableFuture.allOf(outcomes).get(left, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        // a request failed: its failure is its own, recorded in the journal; keep waiting for the others
      } catch (TimeoutException e) {
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    List<String> abandoned = new ArrayList<>();
    for (Map.Entry<String, RequestHandle<?>> e : running.entrySet()) {
      if (e.getValue().abandon(new CancellationException("the runtime shut down before request "
          + e.getKey() + " ended; it stays recorded as running and resumes when a runtime on the same journal "
          + "resumes unfinished requests"))) {
        abandoned.add(e.getKey());
      }
    }
    close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return abandoned;
  }

  /** Stops loops, watchdog and timer. Idempotent. */
  public void close() {
    if (this == shared()) {
      return; // the shared engine lives as long as the process
    }
    watchdog.stop();
    timer.stop();
    for (EventLoop loop : loops) {
      loop.stop();
    }
  }
}

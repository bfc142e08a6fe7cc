package dev.weft.engine;

import dev.weft.BlockedEventLoopException;
import dev.weft.FunctionTimeoutException;
import dev.weft.Placement;
import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestLog;
import dev.weft.journal.WorkQueue;
import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.Outcome;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of a function. Starting it resolves its stage arguments (all in parallel), then asks
 * the journal for a recorded output, then runs attempts until one succeeds, a failure is not
 * retryable, or the retries are used up.
 *
 * <p>A sync function's attempts run one after another on one virtual thread, sleeping out the
 * backoff between them; a timeout or a cancel interrupts that thread. An async function's
 * attempt is invoked on an event loop and ends when its stage does; a timeout or a cancel
 * cancels the stage, and the next attempt is scheduled on the timer wheel. Either way a
 * returned unstarted future is a tail call: the attempt ends, that future starts, and its
 * outcome becomes this call's.
 */
final class CallFuture<T> extends AbstractFuture<T> {
  private final FunctionSpec spec;
  /** The arguments (stages replaced by their values once resolved); dropped once the call settles. */
  private Object[] args;
  private final DurableId id;
  /** Where this call sits in a map, for messages; -1 if it is not a map item. */
  private final int item;
  /** Told when this call completes, if it is part of a map. */
  private final MapFuture<?> owner;
  private volatile Attempt attempt;
  private volatile AbstractFuture<?> tail;
  /** The thread running this call's sync attempts, while it does; guarded by {@code this}. */
  private Thread runner;
  /** Whether a sync call with value arguments runs on the thread that starts it. */
  private boolean inline;
  /**
   * Whether an owner (a map, a reduce) checks this call's timeout by sweeping its calls, so its
   * attempts arm no timer of their own: a million items then cost no timer traffic.
   */
  private volatile boolean swept;
  /** Running attempts: a thread in {@link #runSync} or an async attempt whose stage is pending; guarded by {@code this}. */
  private int active;
  /** Whether settling has begun (it happens once); guarded by {@code this}. */
  private boolean settling;

  CallFuture(FunctionSpec spec, Object[] args, Frame parent, DurableId id, int item, MapFuture<?> owner) {
    super(parent);
    this.spec = spec;
    this.args = args;
    this.id = id;
    this.item = item;
    this.owner = owner;
    this.swept = owner != null;
  }

  @Override
  String functionName() {
    return spec.name();
  }

  @Override
  void doStart() {
    int stages = 0;
    for (Object a : args) {
      if (a instanceof CompletionStage<?>) {
        stages++;
      }
    }
    if (stages == 0) {
      dispatch();
      return;
    }
    AtomicInteger pending = new AtomicInteger(stages);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof CompletionStage<?> stage) {
        int index = i;
        if (stage instanceof AbstractFuture<?> f) {
          f.startIfNeeded();
          stage = f.result;
        }
        stage.whenComplete((value, failure) -> {
          Object[] resolved = args;
          if (resolved == null) {
            return; // settled (cancelled) meanwhile
          }
          if (failure != null) {
            fail(failure);
          } else {
            resolved[index] = value;
            if (pending.decrementAndGet() == 0) {
              dispatch();
            }
          }
        });
      }
    }
  }

  /** Runs the call now that its inputs are values. */
  private void dispatch() {
    if (result.isDone()) {
      return; // cancelled, or an input failed
    }
    try {
      for (int i = 0; i < args.length; i++) {
        Inputs.checkType(args[i], spec.def().paramType(i), spec.name(), i, item);
      }
      if (replay()) {
        return;
      }
      int first = recordStart();
      WorkQueue queue = fleetQueue();
      if (queue != null) {
        // placed on the fleet: each attempt waits on this call's own virtual thread for another node
        if (inline) {
          runSync(first, queue);
        } else {
          Threads.startCall(parent.run.engine().track(() -> runSync(first, queue)));
        }
      } else if (spec.def().onLoop()) {
        Engine engine = parent.run.engine();
        EventLoop loop = engine.loopForCall();
        loop.execute(engine.track(() -> invokeAsync(loop, first)));
      } else if (inline) {
        runSync(first, null);
      } else {
        Threads.startCall(parent.run.engine().track(() -> runSync(first, null)));
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private boolean replay() {
    RequestLog log = parent.run.log();
    if (log == null || id == null || !parent.replaying()) {
      return false;
    }
    Optional<RequestLog.Recorded> recorded = log.find(id, spec.def().outputType());
    if (recorded.isEmpty()) {
      return false;
    }
    @SuppressWarnings("unchecked")
    T value = (T) recorded.get().output();
    complete(value);
    return true;
  }

  /** Records the start (with its arguments, now values) and returns the first attempt's number. */
  private int recordStart() {
    RequestLog log = parent.run.log();
    if (log == null || id == null) {
      return 1;
    }
    Optional<DurableId> parentId = parent.id == null || parent.id.equals(id) ? Optional.empty() : Optional.of(parent.id);
    log.started(id, parentId, spec.name(), args, spec.def().paramGenericTypes());
    return parent.replaying() ? log.failedAttempts(id) + 1 : 1;
  }

  /**
   * Starts this call so that, if it is a sync function whose arguments are all values, its
   * attempts run right here on the calling thread (the reduce driver's: a fold step then costs
   * no thread hop). Otherwise it starts as usual. Returns when it has completed or moved on.
   */
  void runInline() {
    inline = true;
    swept = true;
    startIfNeeded();
  }

  /** For a sweeping owner: times out the running attempt if it is past its timeout at {@code now}. */
  void sweep(long now) {
    Attempt a = attempt;
    if (a != null && a.due(now)) {
      a.expire();
    }
  }

  /**
   * The queue this call's attempts go through, or null to run them here: only a
   * {@link Placement#FLEET} call of a journaled request on a journal that has one.
   */
  private WorkQueue fleetQueue() {
    if (spec.def().placement() != Placement.FLEET || id == null || parent.run.log() == null) {
      return null;
    }
    return parent.run.engine().workQueue();
  }

  private WorkQueue.Work work(int attempt) {
    FunctionDef def = spec.def();
    return new WorkQueue.Work(parent.run.id(), id, attempt, def.name(), def.method(), args.clone(),
        def.paramGenericTypes(), def.outputType(), def.cpus(), def.memoryBytes(), parent.run.timeoutFor(def));
  }

  /** Runs the attempts on this thread: the function itself, or (with a queue) each attempt as fleet work. */
  private void runSync(int firstAttempt, WorkQueue queue) {
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      runner = Thread.currentThread();
      active++;
    }
    try {
      for (int n = firstAttempt; ; n++) {
        Attempt a = new Attempt(n, Thread.currentThread());
        Object out = null;
        Throwable failure = null;
        Frame frame = a.begin();
        Frame prev = Frames.enter(frame);
        Observation.Scope observed = a.enterObservation();
        try {
          out = queue == null ? invoke(n) : queue.run(work(n));
        } catch (Throwable t) {
          failure = t;
        } finally {
          observed.close();
          Frames.restore(prev);
          failure = a.end(failure);
        }
        if (result.isDone()) {
          a.observeEnd(Outcome.CANCELLED, failure);
          return; // cancelled while it ran
        }
        if (failure == null) {
          a.observeEnd(out instanceof AbstractFuture<?> ? Outcome.TAIL_CALL : Outcome.SUCCEEDED, null);
          onOutput(out, n);
          return;
        }
        long delay = afterFailure(a, failure);
        if (delay < 0) {
          return;
        }
        try {
          parent.run.engine().clock.sleep(delay);
        } catch (InterruptedException e) {
          return; // cancelled while waiting to retry
        }
      }
    } finally {
      synchronized (this) {
        runner = null;
        active--;
        if (result.isCancelled()) {
          Thread.interrupted(); // our own cancel's interrupt must not outlive the call
        }
      }
      trySettle();
    }
  }

  /** Attempt {@code n}'s body: the function's own, or what the runtime's interceptor makes of it. */
  private Object invoke(int n) throws Throwable {
    dev.weft.spi.CallInterceptor interceptor = parent.run.engine().interceptor;
    if (interceptor == null) {
      return spec.invoker().invoke(args);
    }
    Object[] a = args;
    return interceptor.intercept(spec.name(), n, spec.def().onLoop(), a, () -> spec.invoker().invoke(a));
  }

  private void attemptEnded() {
    synchronized (this) {
      active--;
    }
    trySettle();
  }

  /** Settles once the result is set, no attempt runs, and a tail call (if any) has settled. */
  private void trySettle() {
    synchronized (this) {
      if (!result.isDone() || active > 0 || settling) {
        return;
      }
      settling = true;
    }
    AbstractFuture<?> t = tail;
    if (t == null) {
      release();
    } else {
      t.settled().whenComplete((v, e) -> release());
    }
  }

  /** Settles, and drops what a finished call no longer needs (a map may hold a million of them). */
  private void release() {
    attempt = null;
    tail = null;
    args = null;
    markSettled();
  }

  @Override
  void onSettled() {
    if (owner != null) {
      owner.itemSettled();
    }
  }

  private void invokeAsync(EventLoop loop, int n) {
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      active++;
    }
    Attempt a = new Attempt(n, null);
    Object out = null;
    Throwable failure = null;
    Frame frame = a.begin();
    Frame prev = Frames.enter(frame);
    CallFuture<?> outer = loop.invoking(); // set when this runs nested in a blocking wait on the loop
    loop.invoking(this);
    Observation.Scope observed = a.enterObservation();
    try {
      out = invoke(n);
    } catch (Throwable t) {
      failure = t;
    } finally {
      observed.close();
      loop.invoking(outer);
      Frames.restore(prev);
    }
    if (failure != null) {
      a.finishAsync(null, failure, loop);
      attemptEnded();
    } else if (out == null) {
      a.finishAsync(null, new UsageException(spec.name() + " returned null; an async function must return a "
          + "CompletionStage (e.g. CompletableFuture.completedFuture(value))"), loop);
      attemptEnded();
    } else if (out instanceof AbstractFuture<?> f && !f.started()) {
      a.finishAsync(f, null, loop); // a tail call: this attempt is over, the future carries on
      attemptEnded();
    } else {
      CompletionStage<?> stage = (CompletionStage<?>) out;
      a.stage = stage;
      stage.whenComplete((v, e) -> {
        a.finishAsync(v, e, loop);
        attemptEnded();
      });
    }
  }

  /**
   * Handles a successful attempt's output: a tail call, or a value to record. A tail call's end
   * is recorded as this call's too (its output, or attempt {@code attempt} failed for good), so
   * the call tree shows where it ended and a replay returns the output without calling again.
   */
  @SuppressWarnings("unchecked")
  private void onOutput(Object out, int attempt) {
    if (out instanceof AbstractFuture<?> f) {
      if (f.started()) {
        fail(new UsageException(spec.name() + " returned a future that had already started; return it "
            + "unstarted to make a tail call, or return its result()"));
        return;
      }
      tail = f;
      f.startIfNeeded();
      f.result.whenComplete((v, e) -> {
        if (e == null) {
          record((T) v);
        } else {
          if (!result.isCancelled()) { // a cancelled call records no end, as without a tail call
            recordFailure(attempt, Failures.unwrap(e));
          }
          fail(e);
        }
      });
      if (result.isCancelled()) {
        f.cancel();
      }
      return;
    }
    try {
      Inputs.rejectNestedInResult(out, spec.name());
    } catch (UsageException e) {
      fail(e);
      return;
    }
    record((T) out);
  }

  /** Records this call's output, then completes it (or fails it if the journal cannot record). */
  private void record(T out) {
    RequestLog log = parent.run.log();
    if (log != null && id != null) {
      try {
        log.completed(id, spec.name(), out, spec.def().outputType());
      } catch (Throwable t) {
        // a journal that cannot record the output (closed, failing) must not leave the call hanging
        fail(new dev.weft.WeftException(spec.name() + " completed but its output could not be journaled: " + t, t));
        return;
      }
    }
    complete(out);
  }

  /** Records that this call failed for good at {@code attempt}: its tail call failed. */
  private void recordFailure(int attempt, Throwable failure) {
    RequestLog log = parent.run.log();
    if (log != null && id != null) {
      try {
        log.attemptFailed(id, spec.name(), attempt, failure, false);
      } catch (Throwable t) {
        failure.addSuppressed(t); // the outcome is delivered anyway
      }
    }
  }

  @Override
  void completed(T value, Throwable failure) {
    if (owner != null) {
      owner.itemDone(item, value, failure);
    }
    trySettle();
  }

  /**
   * Records a failed attempt; returns the delay before the next one, or -1 after failing this
   * call when there is none.
   */
  private long afterFailure(Attempt a, Throwable failure) {
    int attempt = a.number;
    failure = Failures.unwrap(failure);
    int retries = parent.run.retriesFor(spec.def());
    boolean retry = Failures.retryable(failure) && attempt <= retries;
    RequestLog log = parent.run.log();
    if (log != null && id != null) {
      try {
        log.attemptFailed(id, spec.name(), attempt, failure, retry);
      } catch (Throwable t) {
        // the call's own outcome must still be delivered, or its request hangs
        failure.addSuppressed(t);
        retry = false;
      }
    }
    if (!retry) {
      FailureText.noteGivenUp(failure, spec.name(), attempt, retries + 1, Failures.retryable(failure));
      a.observeEnd(Outcome.FAILED, failure);
      fail(failure);
      return -1;
    }
    a.observeEnd(Outcome.RETRYING, failure);
    EngineLog.retrying(parent.run.id(), spec.name(), attempt, retries + 1, failure);
    return spec.def().backoff().delayNanos(attempt, ThreadLocalRandom.current().nextDouble());
  }

  /** The watchdog saw this async call block its loop and the runtime fails such calls. */
  void failBlocked(BlockedEventLoopException report) {
    Attempt a = attempt;
    if (a != null && a.thread == null) {
      a.finishAsync(null, report, null);
    }
  }

  @Override
  void onCancel() {
    // Read what to cancel before interrupting: the interrupted attempt may settle at once, and
    // settling drops the attempt and the tail.
    Attempt a = attempt;
    AbstractFuture<?> t = tail;
    synchronized (this) {
      if (runner != null) {
        runner.interrupt();
      }
    }
    if (a != null) {
      a.cancelStage();
      a.frame.cancelChildren();
      a.disarm();
    }
    if (t != null) {
      t.cancel();
    }
  }

  /** One attempt: its frame, its timeout, and (async) its stage; what an observer is shown of it. */
  final class Attempt implements ObservedAttempt {
    final int number;
    /**
     * The runtime observer's observation of this attempt; {@code NONE} when nothing observes.
     * Written once in {@link #begin} before the volatile {@code attempt} publishes this attempt
     * (and before its timer is armed), so the threads that end it see it.
     */
    private Observation observation = Observation.NONE;
    /** The thread running a sync attempt; null for async. */
    final Thread thread;
    final long startNanos = parent.run.engine().clock.nanoTime();
    Frame frame;
    volatile CompletionStage<?> stage;
    private volatile long touchedNanos = startNanos;
    private volatile TimerWheel.Timeout timeout;
    /** Guarded by {@code this}: whether it is over, and whether our timer ended it. */
    private boolean ended;
    private boolean timedOut;

    Attempt(int number, Thread thread) {
      this.number = number;
      this.thread = thread;
    }

    Frame begin() {
      frame = new Frame(parent.run, id, this, true, parent.replaying() || number > 1);
      Engine engine = parent.run.engine();
      if (engine.observed) {
        try {
          observation = engine.observer.attemptStarted(parent.observation, this);
        } catch (Throwable t) {
          Threads.log().log(System.Logger.Level.ERROR, "observer failed at the start of an attempt of " + spec.name(), t);
        }
        frame.observation = observation;
      }
      attempt = this;
      if (!swept) {
        arm(parent.run.timeoutFor(spec.def()).toNanos());
      }
      return frame;
    }

    /** Whether it has run past its timeout at {@code now} (a progress update restarts the clock). */
    boolean due(long now) {
      return touchedNanos + parent.run.timeoutFor(spec.def()).toNanos() - now <= 0;
    }

    private void arm(long nanos) {
      timeout = parent.run.engine().timer().schedule(this::onTimer, nanos);
    }

    void disarm() {
      TimerWheel.Timeout t = timeout;
      if (t != null) {
        t.cancel();
      }
    }

    /** A progress update restarts the timeout clock. */
    void touch() {
      touchedNanos = parent.run.engine().clock.nanoTime();
    }

    private void onTimer() {
      long limit = parent.run.timeoutFor(spec.def()).toNanos();
      long left = touchedNanos + limit - parent.run.engine().clock.nanoTime();
      if (left > 0) {
        arm(left); // progress was reported: the clock restarted
        return;
      }
      expire();
    }

    /** Ends this attempt with a timeout: interrupts its thread, or cancels its stage. */
    void expire() {
      if (thread != null) {
        synchronized (this) {
          if (ended) {
            return;
          }
          timedOut = true;
          thread.interrupt();
        }
      } else {
        synchronized (this) {
          if (ended) {
            return; // it ended meanwhile: nothing of it is left to stop
          }
        }
        CompletionStage<?> s = stage;
        finishAsync(null, timeoutFailure(), null);
        // a function still sitting in a scope's close() on its loop is released this way
        Frame f = frame;
        if (f != null) {
          f.cancelScopes();
        }
        if (s != null) {
          s.toCompletableFuture().cancel(true);
        }
      }
    }

    private FunctionTimeoutException timeoutFailure() {
      return new FunctionTimeoutException(spec.name(), parent.run.timeoutFor(spec.def()));
    }

    /** Ends a sync attempt; returns the failure it ended with (a timeout replaces what the interrupt caused). */
    Throwable end(Throwable failure) {
      disarm();
      synchronized (this) {
        ended = true;
        if (timedOut) {
          Thread.interrupted(); // the interrupt was ours
          FunctionTimeoutException e = timeoutFailure();
          if (failure != null) {
            e.addSuppressed(failure);
          }
          return e;
        }
      }
      return failure;
    }

    /** Ends an async attempt, once; {@code out} may be a tail-call future. */
    void finishAsync(Object out, Throwable failure, EventLoop loop) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      disarm();
      if (result.isDone()) {
        observeEnd(Outcome.CANCELLED, failure);
        return;
      }
      if (failure == null) {
        observeEnd(out instanceof AbstractFuture<?> ? Outcome.TAIL_CALL : Outcome.SUCCEEDED, null);
        onOutput(out, number);
        return;
      }
      long delay = afterFailure(this, failure);
      if (delay >= 0) {
        EventLoop next = loop != null ? loop : parent.run.engine().loopForCall();
        Engine engine = parent.run.engine();
        engine.timer().schedule(() -> next.execute(engine.track(() -> invokeAsync(next, number + 1))), delay);
      }
    }

    /** Makes the observation current while the body runs on this thread; {@code Scope.NONE} when nothing observes. */
    Observation.Scope enterObservation() {
      Observation o = observation;
      if (o == Observation.NONE) {
        return Observation.Scope.NONE;
      }
      try {
        return o.enter();
      } catch (Throwable t) {
        Threads.log().log(System.Logger.Level.ERROR, "observer failed entering an attempt of " + spec.name(), t);
        return Observation.Scope.NONE;
      }
    }

    /** Tells the observer this attempt ended; called once, by whichever path ends it. */
    void observeEnd(Outcome outcome, Throwable failure) {
      Observation o = observation;
      if (o != Observation.NONE) {
        try {
          o.ended(outcome, Optional.ofNullable(failure == null ? null : Failures.unwrap(failure)));
        } catch (Throwable t) {
          Threads.log().log(System.Logger.Level.ERROR, "observer failed at the end of an attempt of " + spec.name(), t);
        }
      }
    }

    @Override
    public String function() {
      return spec.name();
    }

    @Override
    public String requestId() {
      return parent.run.id();
    }

    @Override
    public int attempt() {
      return number;
    }

    @Override
    public Optional<String> durableId() {
      return id == null ? Optional.empty() : Optional.of(id.toString());
    }

    @Override
    public Optional<String> parentDurableId() {
      return parent.id == null || id == null || parent.id.equals(id) ? Optional.empty() : Optional.of(parent.id.toString());
    }

    @Override
    public OptionalInt item() {
      return item >= 0 ? OptionalInt.of(item) : OptionalInt.empty();
    }

    @Override
    public boolean async() {
      return thread == null;
    }

    void cancelStage() {
      CompletionStage<?> s = stage;
      if (s != null) {
        try {
          s.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
          // a stage that cannot be cancelled runs to its end; its outcome is ignored
        }
      }
    }
  }
}

package dev.weft.micrometer;

import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.ObservedRequest;
import dev.weft.observe.Outcome;
import dev.weft.observe.RuntimeGauges;
import dev.weft.observe.WeftObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The meters of one registry and what feeds them; shared by every {@link WeftMetrics} on that
 * registry (each runtime gets its own observer, but a gauge can be registered only once).
 */
final class Recorder implements WeftObserver {
  private final MeterRegistry registry;
  private final Map<String, FunctionMeters> functions = new ConcurrentHashMap<>();
  private final Map<String, ApplicationMeters> applications = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The runtimes this observes, weakly: a closed and dropped runtime leaves the gauges. */
  private final CopyOnWriteArrayList<WeakReference<RuntimeGauges>> runtimes = new CopyOnWriteArrayList<>();

  Recorder(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("weft.calls.in_flight", inFlight, AtomicInteger::get)
        .description("Call attempts running now").register(registry);
    Gauge.builder("weft.requests.running", this, m -> m.sum(RuntimeGauges::runningRequests))
        .description("Requests running now").register(registry);
    Gauge.builder("weft.loop.queue.depth", this, m -> m.sum(RuntimeGauges::queuedLoopTasks))
        .description("Tasks waiting in the event loops' queues").register(registry);
    Gauge.builder("weft.journal.queue.depth", this, m -> m.sum(RuntimeGauges::queuedJournalWrites))
        .description("Records the journal accepted and has not yet started to write").register(registry);
  }

  private double sum(ToIntFunction<RuntimeGauges> gauge) {
    int n = 0;
    for (WeakReference<RuntimeGauges> ref : runtimes) {
      RuntimeGauges g = ref.get();
      if (g == null) {
        runtimes.remove(ref);
      } else {
        n += gauge.applyAsInt(g);
      }
    }
    return n;
  }

  @Override
  public void runtimeStarted(RuntimeGauges gauges) {
    runtimes.add(new WeakReference<>(gauges));
  }

  @Override
  public Observation requestStarted(ObservedRequest request) {
    ApplicationMeters m = applications.computeIfAbsent(request.application(), ApplicationMeters::new);
    m.started.increment();
    return new Timed(m, System.nanoTime(), false);
  }

  @Override
  public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
    FunctionMeters m = functions.computeIfAbsent(attempt.function(), FunctionMeters::new);
    if (attempt.attempt() == 1) {
      m.started.increment();
    } else {
      m.retried.increment();
    }
    inFlight.incrementAndGet();
    return new Timed(m, System.nanoTime(), true);
  }

  @Override
  public void loopBlocked(String loopThread, Duration blocked) {
    Timer.builder("weft.loop.blocked").tag("loop", loopThread)
        .description("Event-loop tasks that ran past the blocked-loop threshold, and how long they had run")
        .register(registry).record(blocked);
  }

  @Override
  public void journalCommitted(String journal, Duration latency, int batchSize) {
    Timer.builder("weft.journal.commit.latency").tag("journal", journal)
        .description("From the journal writer taking a transaction's first write to its commit")
        .register(registry).record(latency);
    DistributionSummary.builder("weft.journal.commit.batch").tag("journal", journal)
        .description("Writes per journal commit").register(registry).record(batchSize);
  }

  @Override
  public String toString() {
    return "Recorder[" + registry.getClass().getSimpleName() + "]";
  }

  /** What is timed: an attempt's function, or a request's application. */
  private interface Meters {
    void ended(Outcome outcome, long nanos);
  }

  /** An attempt's (or a request's) start; its end records the duration and the outcome. */
  private final class Timed implements Observation {
    private final Meters meters;
    private final long start;
    private final boolean attempt;

    Timed(Meters meters, long start, boolean attempt) {
      this.meters = meters;
      this.start = start;
      this.attempt = attempt;
    }

    @Override
    public void ended(Outcome outcome, Optional<Throwable> failure) {
      if (attempt) {
        inFlight.decrementAndGet();
      }
      meters.ended(outcome, System.nanoTime() - start);
    }
  }

  /** One function's meters, made when it first runs. */
  private final class FunctionMeters implements Meters {
    final Counter started;
    final Counter retried;
    final Counter succeeded;
    final Counter failed;
    final Counter cancelled;
    private final String function;
    /** By outcome, made on its first use (a meter per outcome never seen would only bloat a scrape). */
    private final Timer[] durations = new Timer[Outcome.values().length];

    FunctionMeters(String function) {
      this.function = function;
      started = counter("weft.calls.started", function, "Calls started (first attempts)");
      retried = counter("weft.calls.retried", function, "Attempts after a call's first");
      succeeded = counter("weft.calls.succeeded", function, "Calls that returned (or made a tail call)");
      failed = counter("weft.calls.failed", function, "Calls that failed for good");
      cancelled = counter("weft.calls.cancelled", function, "Attempts ended by a cancel");
    }

    /** Racy on purpose: two threads may both register it, and the registry returns one meter to both. */
    private Timer duration(Outcome o) {
      Timer t = durations[o.ordinal()];
      if (t == null) {
        t = Timer.builder("weft.call.duration").tag("function", function)
            .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
            .description("How long each call attempt ran").publishPercentileHistogram().register(registry);
        durations[o.ordinal()] = t;
      }
      return t;
    }

    private Counter counter(String name, String function, String description) {
      return Counter.builder(name).tag("function", function).description(description).register(registry);
    }

    @Override
    public void ended(Outcome outcome, long nanos) {
      duration(outcome).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      switch (outcome) {
        case SUCCEEDED, TAIL_CALL -> succeeded.increment();
        case FAILED -> failed.increment();
        case CANCELLED -> cancelled.increment();
        case RETRYING -> {}
      }
    }
  }

  /** One application's request meters. */
  private final class ApplicationMeters implements Meters {
    final Counter started;
    final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);

    ApplicationMeters(String application) {
      started = Counter.builder("weft.requests.started").tag("application", application)
          .description("Requests started or resumed").register(registry);
      for (Outcome o : new Outcome[] {Outcome.SUCCEEDED, Outcome.FAILED, Outcome.CANCELLED}) {
        durations.put(o, Timer.builder("weft.request.duration").tag("application", application)
            .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
            .description("How long requests ran").register(registry));
      }
    }

    @Override
    public void ended(Outcome outcome, long nanos) {
      Timer t = durations.get(outcome);
      if (t != null) { // a request ends succeeded, failed or cancelled
        t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }
  }
}

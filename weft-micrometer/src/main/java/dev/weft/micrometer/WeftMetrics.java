package dev.weft.micrometer;

import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.ObservedRequest;
import dev.weft.observe.RuntimeGauges;
import dev.weft.observe.WeftObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weft's metrics as Micrometer meters. Per function ({@code function} tag): calls started
 * ({@code weft.calls.started}), retried ({@code weft.calls.retried}: attempts after the first),
 * succeeded, failed and cancelled ({@code weft.calls.succeeded}, {@code .failed},
 * {@code .cancelled}), and the duration of each attempt ({@code weft.call.duration}, a timer
 * with a percentile histogram, tagged also with its {@code outcome}). Per application:
 * requests started and their durations ({@code weft.requests.started},
 * {@code weft.request.duration} by {@code outcome}). For the process: calls in flight
 * ({@code weft.calls.in_flight}, attempts running), requests running
 * ({@code weft.requests.running}), event-loop queue depth ({@code weft.loop.queue.depth}),
 * blocked event loops ({@code weft.loop.blocked}, a timer of how long each blocked report
 * lasted, by {@code loop}), and journal commits ({@code weft.journal.commit.latency}, a timer,
 * and {@code weft.journal.commit.batch}, a distribution of writes per commit, by
 * {@code journal}).
 *
 * <p>Put this module on the class path and every runtime records into
 * {@link #prometheusRegistry()}, which {@code weft server} serves at {@code GET /metrics}. To
 * record into a registry of your own instead, give {@link #of} to
 * {@code WeftRuntime.builder().observer(...)}.
 *
 * <p>Thread-safe and non-blocking, as {@link WeftObserver} requires: meters are made once per
 * function and outcome, then each event is a counter increment or a timer record.
 */
public final class WeftMetrics implements WeftObserver {
  private static final class Default {
    static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** One recorder per registry, whichever observers feed it. */
  private static final Map<MeterRegistry, Recorder> RECORDERS = new ConcurrentHashMap<>();

  private final Recorder recorder;

  /** Records into {@link #prometheusRegistry()}; what {@link java.util.ServiceLoader} makes. */
  public WeftMetrics() {
    this(Default.REGISTRY);
  }

  private WeftMetrics(MeterRegistry registry) {
    this.recorder = RECORDERS.computeIfAbsent(registry, Recorder::new);
  }

  /**
   * Records into {@code registry}; give it to {@code WeftRuntime.Builder.observer}. Observers of
   * one registry share its meters (several runtimes add up); the process keeps each registry
   * given here for its lifetime, so give long-lived registries.
   */
  public static WeftMetrics of(MeterRegistry registry) {
    return new WeftMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * The process-wide registry the class-path observer records into, and that
   * {@code GET /metrics} renders; add your own meters to it (JVM, HTTP client) to serve them too.
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    return Default.REGISTRY;
  }

  @Override
  public void runtimeStarted(RuntimeGauges gauges) {
    recorder.runtimeStarted(gauges);
  }

  @Override
  public Observation requestStarted(ObservedRequest request) {
    return recorder.requestStarted(request);
  }

  @Override
  public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
    return recorder.attemptStarted(parent, attempt);
  }

  @Override
  public void loopBlocked(String loopThread, Duration blocked) {
    recorder.loopBlocked(loopThread, blocked);
  }

  @Override
  public void journalCommitted(String journal, Duration latency, int batchSize) {
    recorder.journalCommitted(journal, latency, batchSize);
  }

  @Override
  public String toString() {
    return "WeftMetrics[" + recorder + "]";
  }
}

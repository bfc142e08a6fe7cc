package dev.weft.opentelemetry;

import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.ObservedRequest;
import dev.weft.observe.Outcome;
import dev.weft.observe.WeftObserver;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Traces Weft with OpenTelemetry: a span per request and a span per call attempt, each attempt's
 * span a child of the attempt (or request) its call was made in, so the trace shows the call
 * graph: a map's items and a reduce's steps under the attempt that made them, a tail call under
 * the attempt that returned it, a scope's forks under the attempt that opened the scope, and
 * retries as sibling spans of one parent. A call to a remote function carries the W3C trace
 * context ({@code traceparent}, {@code tracestate}) to the worker, whose span for the call joins
 * the caller's trace under the calling attempt's span.
 *
 * <p>Put this module on the class path and every runtime uses it (it registers itself as a
 * {@link java.util.ServiceLoader} provider of {@link WeftObserver}), exporting through
 * {@link GlobalOpenTelemetry} once that is set (an OpenTelemetry agent or SDK sets it); until
 * then nothing is traced and each request and attempt costs one check. To trace through an {@link OpenTelemetry} of
 * your own instead, give {@link #of} to {@code WeftRuntime.builder().observer(...)}.
 *
 * <p>Spans are named after the function (requests: {@code "request " + application}) and carry
 * {@code weft.function}, {@code weft.attempt}, {@code weft.request.id}, {@code weft.outcome} (an
 * {@link Outcome} name), and where known {@code weft.durable_id} and {@code weft.item}; a failed
 * attempt records its exception and has status ERROR. Requests and calls run outside any Weft
 * request are parented on the submitting thread's current context. While a function's body runs,
 * its attempt's span is the current span ({@code Span.current()}), so spans the function makes
 * itself, and those of instrumented clients it calls, are children of it.
 *
 * <p>Thread-safe and non-blocking, as {@link WeftObserver} requires; spans are ended by whichever
 * thread ends the work, which OpenTelemetry allows.
 */
public final class WeftTracing implements WeftObserver {
  static final String SCOPE = "dev.weft";
  static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("weft.function");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("weft.attempt");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("weft.request.id");
  static final AttributeKey<String> APPLICATION = AttributeKey.stringKey("weft.application");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("weft.outcome");
  static final AttributeKey<String> DURABLE_ID = AttributeKey.stringKey("weft.durable_id");
  static final AttributeKey<Long> ITEM = AttributeKey.longKey("weft.item");
  static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("weft.resumed");

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Function<String, String> carrier) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public String get(Function<String, String> carrier, String key) {
      return carrier == null ? null : carrier.apply(key);
    }
  };

  /** The tracer of an {@link OpenTelemetry} given to {@link #of}; empty to follow {@link GlobalOpenTelemetry}. */
  private final Optional<Tracer> fixed;
  /** The global tracer, once the global OpenTelemetry is set (it is never unset). */
  private volatile Tracer global;

  /**
   * Traces through {@link GlobalOpenTelemetry}, from the moment it is set; what
   * {@link java.util.ServiceLoader} makes. Never calls {@link GlobalOpenTelemetry#get()}, so it
   * does not stop an SDK set later from being set.
   */
  public WeftTracing() {
    this.fixed = Optional.empty();
  }

  private WeftTracing(Tracer tracer) {
    this.fixed = Optional.of(tracer);
  }

  /** Traces through {@code openTelemetry}; give it to {@code WeftRuntime.Builder.observer}. */
  public static WeftTracing of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new WeftTracing(openTelemetry.getTracer(SCOPE));
  }

  /** The tracer to use, or empty while the global OpenTelemetry is not set (then nothing is traced). */
  private Optional<Tracer> tracer() {
    if (fixed.isPresent()) {
      return fixed;
    }
    Tracer t = global;
    if (t == null) {
      if (!GlobalOpenTelemetry.isSet()) {
        return Optional.empty();
      }
      global = t = GlobalOpenTelemetry.getTracer(SCOPE);
    }
    return Optional.of(t);
  }

  @Override
  public Observation requestStarted(ObservedRequest request) {
    Optional<Tracer> tracer = tracer();
    if (tracer.isEmpty()) {
      return Observation.NONE;
    }
    Span span = tracer.get().spanBuilder("request " + request.application())
        .setParent(Context.current())
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(REQUEST_ID, request.id())
        .setAttribute(APPLICATION, request.application())
        .setAttribute(RESUMED, request.resumed())
        .startSpan();
    return new Traced(span);
  }

  @Override
  public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
    Optional<Tracer> tracer = tracer();
    if (tracer.isEmpty()) {
      return Observation.NONE;
    }
    Context context = parent instanceof Traced t ? Context.root().with(t.span) : Context.current();
    SpanBuilder b = tracer.get().spanBuilder(attempt.function())
        .setParent(context)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(FUNCTION, attempt.function())
        .setAttribute(ATTEMPT, (long) attempt.attempt())
        .setAttribute(REQUEST_ID, attempt.requestId());
    attempt.durableId().ifPresent(id -> b.setAttribute(DURABLE_ID, id));
    if (attempt.item().isPresent()) {
      b.setAttribute(ITEM, (long) attempt.item().getAsInt());
    }
    return new Traced(b.startSpan());
  }

  @Override
  public void inject(Observation current, BiConsumer<String, String> headers) {
    if (current instanceof Traced t) {
      W3C.inject(Context.root().with(t.span), headers, (carrier, key, value) -> carrier.accept(key, value));
    }
  }

  @Override
  public Observation extract(Function<String, String> header) {
    if (tracer().isEmpty()) {
      return Observation.NONE;
    }
    Context context = W3C.extract(Context.root(), header, HEADERS);
    Span span = Span.fromContext(context);
    return span.getSpanContext().isValid() ? new Traced(span) : Observation.NONE;
  }

  @Override
  public String toString() {
    return "WeftTracing[" + (fixed.isPresent() ? "given OpenTelemetry" : "GlobalOpenTelemetry") + "]";
  }

  /** A request's or an attempt's span (or, on a worker, the caller's span context, never ended here). */
  private record Traced(Span span) implements Observation {
    @Override
    public Scope enter() {
      io.opentelemetry.context.Scope scope = Context.root().with(span).makeCurrent();
      return scope::close;
    }

    @Override
    public void ended(Outcome outcome, Optional<Throwable> failure) {
      span.setAttribute(OUTCOME, outcome.name());
      switch (outcome) {
        case FAILED, RETRYING -> {
          failure.ifPresent(span::recordException);
          span.setStatus(StatusCode.ERROR, failure.map(Throwable::toString).orElse(outcome.name()));
        }
        default -> {}
      }
      span.end();
    }
  }
}

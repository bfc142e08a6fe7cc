package dev.weft.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The span tree a request leaves, read back from the SDK's in-memory exporter. */
final class TracingTest {
  static final AtomicInteger FLAKY_RUNS = new AtomicInteger();

  @Function static int square(int x) { return x * x; }
  @Function static int add(int a, int b) { return a + b; }

  /** A map of {@code n} items, then a reduce of their outputs: n item spans and n-1 step spans. */
  @Application @Function
  static int sumOfSquares(int n) {
    List<Integer> squares = Weft.fn(TracingTest::square).map(IntStream.range(0, n).boxed().toList()).result();
    return Weft.fn(TracingTest::add).reduce(squares).result();
  }

  @Function(retries = 2, backoff = @Backoff(initial = "1ms", max = "2ms"))
  static int flaky(int x) {
    if (FLAKY_RUNS.incrementAndGet() < 3) {
      throw new IllegalStateException("not yet");
    }
    return x;
  }

  @Application @Function
  static int callsFlaky(int x) {
    return Weft.fn(TracingTest::flaky).call(x);
  }

  /** Returns an unstarted future: a tail call. */
  @Application @Function
  static Future<Integer> tailCalls(int x) {
    return Weft.fn(TracingTest::square).future(x);
  }

  /** The id of the span current while its body runs. */
  @Application @Function
  static String currentSpan(int x) {
    return io.opentelemetry.api.trace.Span.current().getSpanContext().getSpanId();
  }

  /** The same from an async function's body, on its event loop. */
  @Application @Function
  static java.util.concurrent.CompletionStage<String> currentSpanAsync(int x) {
    return java.util.concurrent.CompletableFuture.completedFuture(
        io.opentelemetry.api.trace.Span.current().getSpanContext().getSpanId());
  }

  @Application @Function
  static int squared(int x) {
    return x * x;
  }

  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;
  private WeftRuntime runtime;

  @BeforeEach
  void start() {
    FLAKY_RUNS.set(0);
    spans = InMemorySpanExporter.create();
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    runtime = WeftRuntime.builder().eventLoops(1).observer(WeftTracing.of(sdk)).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    sdk.close();
  }

  @Test
  void mapReduce_itemsAndStepsAreChildrenOfTheAttemptThatMadeThem() {
    assertThat(runtime.run(Weft.fn(TracingTest::sumOfSquares), 10)).isEqualTo(285);

    List<SpanData> all = finished(1 + 1 + 10 + 9);
    SpanData request = only(all, "request TracingTest.sumOfSquares");
    SpanData root = only(all, "TracingTest.sumOfSquares");
    assertThat(request.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(root.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(root.getAttributes().get(WeftTracing.REQUEST_ID)).isEqualTo(request.getAttributes().get(WeftTracing.REQUEST_ID));

    List<SpanData> items = named(all, "TracingTest.square");
    assertThat(items).hasSize(10).allSatisfy(s -> {
      assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId());
      assertThat(s.getAttributes().get(WeftTracing.OUTCOME)).isEqualTo("SUCCEEDED");
      assertThat(s.getAttributes().get(WeftTracing.ATTEMPT)).isEqualTo(1L);
    });
    assertThat(items).extracting(s -> s.getAttributes().get(WeftTracing.ITEM))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> (long) i).toList());
    assertThat(named(all, "TracingTest.add")).hasSize(9)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId()));
    assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(request.getTraceId()));
    assertThat(request.getAttributes().get(WeftTracing.OUTCOME)).isEqualTo("SUCCEEDED");
  }

  @Test
  void retries_areSiblingAttemptSpansUnderOneParent() {
    assertThat(runtime.run(Weft.fn(TracingTest::callsFlaky), 7)).isEqualTo(7);

    List<SpanData> all = finished(1 + 1 + 3);
    SpanData caller = only(all, "TracingTest.callsFlaky");
    List<SpanData> attempts = named(all, "TracingTest.flaky").stream()
        .sorted(java.util.Comparator.comparing(s -> s.getAttributes().get(WeftTracing.ATTEMPT))).toList();
    assertThat(attempts).extracting(s -> s.getAttributes().get(WeftTracing.ATTEMPT)).containsExactly(1L, 2L, 3L);
    assertThat(attempts).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(caller.getSpanId()));
    assertThat(attempts).extracting(s -> s.getAttributes().get(WeftTracing.OUTCOME))
        .containsExactly("RETRYING", "RETRYING", "SUCCEEDED");
    assertThat(attempts).extracting(s -> s.getStatus().getStatusCode())
        .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);
    assertThat(attempts.get(0).getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void tailCall_runsUnderTheAttemptThatReturnedIt() {
    assertThat(runtime.run(Weft.asyncFn(TracingTest::tailCalls), 4)).isEqualTo(16);

    List<SpanData> all = finished(1 + 1 + 1);
    SpanData returning = only(all, "TracingTest.tailCalls");
    assertThat(returning.getAttributes().get(WeftTracing.OUTCOME)).isEqualTo("TAIL_CALL");
    assertThat(only(all, "TracingTest.square").getParentSpanId()).isEqualTo(returning.getSpanId());
  }

  @Test
  void functionBody_runsWithItsAttemptSpanCurrent() {
    String sync = runtime.run(Weft.fn(TracingTest::currentSpan), 1);
    String async = runtime.run(Weft.asyncFn(TracingTest::currentSpanAsync), 1);

    List<SpanData> all = finished(4);
    assertThat(sync).isEqualTo(only(all, "TracingTest.currentSpan").getSpanId());
    assertThat(async).isEqualTo(only(all, "TracingTest.currentSpanAsync").getSpanId());
    assertThat(io.opentelemetry.api.trace.Span.current().getSpanContext().isValid()).as("restored here").isFalse();
  }

  @Test
  void noObserver_recordsNothing() {
    try (WeftRuntime plain = WeftRuntime.builder().eventLoops(1).observer().build()) {
      assertThat(plain.run(Weft.fn(TracingTest::sumOfSquares), 3)).isEqualTo(5);
    }
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void onTheClassPath_tracesThroughGlobalOpenTelemetryOnceItIsSet() {
    try (WeftRuntime discovered = WeftRuntime.builder().eventLoops(1).build()) { // WeftTracing from the class path
      assertThat(discovered.run(Weft.fn(TracingTest::squared), 2)).isEqualTo(4);
      assertThat(spans.getFinishedSpanItems()).isEmpty(); // nothing set yet: nothing traced
      GlobalOpenTelemetry.set(sdk);
      try {
        assertThat(discovered.run(Weft.fn(TracingTest::squared), 3)).isEqualTo(9);
        List<SpanData> all = finished(2);
        assertThat(only(all, "TracingTest.squared").getParentSpanId())
            .isEqualTo(only(all, "request TracingTest.squared").getSpanId());
      } finally {
        GlobalOpenTelemetry.resetForTest();
      }
    }
  }

  /** The spans once {@code count} have ended (a request's span ends just before its handle completes). */
  private List<SpanData> finished(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() >= count);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).hasSize(count);
    return all;
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> found = named(spans, name);
    assertThat(found).as("spans named " + name).hasSize(1);
    return found.getFirst();
  }
}

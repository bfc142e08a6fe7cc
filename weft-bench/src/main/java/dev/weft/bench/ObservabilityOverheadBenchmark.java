package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.micrometer.WeftMetrics;
import dev.weft.observe.WeftObserver;
import dev.weft.opentelemetry.WeftTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing and metrics add to a call: 1,000 calls of a trivial sync function made one after
 * another from the body of a request (each journaled in memory), with observers {@code off}
 * (none: the runtime calls nothing), {@code metrics} ({@code WeftMetrics} on a Prometheus
 * registry), {@code tracing} ({@code WeftTracing} on an OpenTelemetry SDK that samples every
 * span and exports through a batch processor to an exporter that drops them), and {@code both};
 * all in the same run, reported per call. The goal: {@code both} at most 10% above {@code off}.
 *
 * <p>Run on a quiet machine (from the repository root, after building the module's jar, about 2
 * minutes on two cores):
 *
 * <pre>{@code
 * java -jar weft-bench/target/benchmarks.jar ObservabilityOverhead
 * java -jar weft-bench/target/benchmarks.jar ObservabilityOverhead -prof gc   # allocation per call
 * }</pre>
 *
 * <p>{@code off} is the code path of a runtime with no observer module on its class path: a single
 * {@code boolean} read per attempt and per request, no observation allocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ObservabilityOverheadBenchmark {
  /** Calls per request. */
  static final int CALLS = 1_000;

  @Param({"off", "metrics", "tracing", "both"})
  public String observers;

  private WeftRuntime runtime;
  private OpenTelemetrySdk sdk;

  /** Makes {@code n} calls of {@link Trivial#inc} one after another, each waited for before the next. */
  @Application
  @Function
  static int chainOfCalls(Integer n) {
    var inc = Weft.fn(Trivial::inc);
    int acc = 0;
    for (int i = 0; i < n; i++) {
      acc = inc.future(acc).result();
    }
    return acc;
  }

  @Setup(Level.Trial)
  public void start() {
    List<WeftObserver> chosen = new ArrayList<>();
    if (observers.equals("metrics") || observers.equals("both")) {
      chosen.add(WeftMetrics.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    }
    if (observers.equals("tracing") || observers.equals("both")) {
      sdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build()).build())
          .build();
      chosen.add(WeftTracing.of(sdk));
    }
    runtime = WeftRuntime.builder().observer(chosen.toArray(WeftObserver[]::new)).build();
  }

  @TearDown(Level.Trial)
  public void stop() {
    runtime.close();
    if (sdk != null) {
      sdk.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int chainInRequest() {
    return runtime.run(Weft.fn(ObservabilityOverheadBenchmark::chainOfCalls), CALLS);
  }

  /** Takes every span and keeps none: the export's own cost is not Weft's. */
  static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}

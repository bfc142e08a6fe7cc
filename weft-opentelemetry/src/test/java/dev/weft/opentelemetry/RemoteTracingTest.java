package dev.weft.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote call's span on a real worker process joins the caller's trace, under the calling attempt's span. */
final class RemoteTracingTest {
  @TempDir static Path dir;
  static RemoteFn1<String, String> shout;

  @Application @Function
  static String greet(String name) {
    return shout.asFn().call("hello " + name);
  }

  @BeforeAll
  static void deploy() {
    Compute compute = Compute.builder().cpus(1).memory("256m")
        .jvmOptions("-D" + TracedWorker.SPANS_PROPERTY + "=" + dir.resolve("worker-spans.txt")).build();
    shout = Remote.fn(TracedWorker::shout).backend(ComputeBackend.localProcesses(dir.resolve("registry")))
        .toAsync(compute).join();
  }

  @AfterAll
  static void teardown() {
    if (shout != null) {
      shout.teardown();
    }
  }

  @Test
  void remoteCall_workerSpanIsAChildOfTheCallingAttemptSpan() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    List<SpanData> local;
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
        WeftRuntime runtime = WeftRuntime.builder().observer(WeftTracing.of(sdk)).build()) {
      assertThat(runtime.run(Weft.fn(RemoteTracingTest::greet), "weft")).isEqualTo("HELLO WEFT");
      await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() >= 3);
      local = spans.getFinishedSpanItems(); // read before closing the SDK: shutting the exporter down empties it
    }
    SpanData request = local.stream().filter(s -> s.getName().startsWith("request ")).findFirst().orElseThrow();
    SpanData greet = local.stream().filter(s -> s.getName().equals("RemoteTracingTest.greet")).findFirst().orElseThrow();
    SpanData caller = local.stream().filter(s -> s.getName().contains("shout")).findFirst()
        .orElseThrow(() -> new AssertionError("no caller span in " + local));
    assertThat(caller.getParentSpanId()).isEqualTo(greet.getSpanId());

    Path file = dir.resolve("worker-spans.txt");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && !Files.readAllLines(file).isEmpty());
    List<String[]> worker = Files.readAllLines(file).stream().map(l -> l.split(" ", 4)).toList();
    assertThat(worker).hasSize(1);
    String[] span = worker.getFirst();
    assertThat(span[3]).contains("shout");
    assertThat(span[0]).as("trace id").isEqualTo(request.getTraceId());
    assertThat(span[1]).as("parent span id").isEqualTo(caller.getSpanId());
    assertThat(span[2]).as("its own span id").isNotEqualTo(caller.getSpanId());
  }
}

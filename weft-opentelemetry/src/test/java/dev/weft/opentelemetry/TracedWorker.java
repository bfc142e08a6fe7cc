package dev.weft.opentelemetry;

import dev.weft.Function;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * What {@link RemoteTracingTest} deploys to a real worker process. Loading it in a worker whose
 * JVM has {@value #SPANS_PROPERTY} set installs an OpenTelemetry SDK there (as an application's
 * agent or start-up code would) that writes each finished span as a line
 * {@code traceId parentSpanId spanId name} to that file, for the test to read.
 */
public final class TracedWorker {
  static final String SPANS_PROPERTY = "weft.test.spans";

  static {
    String file = System.getProperty(SPANS_PROPERTY);
    if (file != null) {
      GlobalOpenTelemetry.set(OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(new LineExporter(Path.of(file)))).build())
          .build());
    }
  }

  private TracedWorker() {}

  @Function
  public static String shout(String s) {
    return s.toUpperCase(java.util.Locale.ROOT);
  }

  private record LineExporter(Path file) implements SpanExporter {
    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
      StringBuilder lines = new StringBuilder();
      for (SpanData s : spans) {
        lines.append(s.getTraceId()).append(' ').append(s.getParentSpanId()).append(' ')
            .append(s.getSpanId()).append(' ').append(s.getName()).append('\n');
      }
      try {
        Files.writeString(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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

package dev.weft.micrometer;

import dev.weft.observe.MetricsText;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@link WeftMetrics#prometheusRegistry()} as Prometheus text (format 0.0.4): what
 * {@code weft server} serves at {@code GET /metrics} when this module is on its class path.
 * Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class PrometheusText implements MetricsText {
  /** The Content-Type of Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** For {@link java.util.ServiceLoader}. */
  public PrometheusText() {}

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public void write(OutputStream out) throws IOException {
    WeftMetrics.prometheusRegistry().scrape(out, CONTENT_TYPE);
  }
}

package dev.weft.observe;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Metrics as text for an HTTP scrape: what {@code weft server} serves at {@code GET /metrics}.
 * The server finds one through {@link java.util.ServiceLoader} ({@code weft-micrometer} provides
 * Prometheus text); with none on the class path it answers {@code /metrics} with 404.
 *
 * <p>Thread-safe: called on the scraping exchange's thread, possibly by several at once. May block
 * briefly while it renders.
 */
public interface MetricsText {
  /** The Content-Type of what {@link #write} produces, such as Prometheus text format 0.0.4. */
  String contentType();

  /**
   * Writes every metric as it is now to {@code out} (which it does not close).
   *
   * @throws IOException if {@code out} fails
   */
  void write(OutputStream out) throws IOException;
}

/**
 * What a runtime tells observers about its work: requests and call attempts as they start and
 * end, blocked event loops, journal commits, and gauges read on demand. Tracing
 * ({@code weft-opentelemetry}) and metrics ({@code weft-micrometer}) implement
 * {@link dev.weft.observe.WeftObserver}; most programs only put one of those modules on the class
 * path.
 *
 * <p><b>SPI.</b> Stable like {@code dev.weft}; implementations are found through
 * {@link java.util.ServiceLoader} or set with {@code WeftRuntime.Builder.observer}.
 */
package dev.weft.observe;

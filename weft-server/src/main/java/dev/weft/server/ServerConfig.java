package dev.weft.server;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A server's validated options, as {@link WeftServer.Builder} made them.
 *
 * @param runtime where requests run
 * @param ownsRuntime whether the server built the runtime (and so closes it)
 * @param journal the runtime's journal, read for request records
 * @param ownsJournal whether the server opened the journal (and so closes it)
 * @param applications what is served
 * @param address where to listen
 * @param port the port, or empty for any free one
 * @param maxBodyBytes the largest request body accepted
 * @param token the bearer token /v1 requests need, if any
 * @param limits connection timeouts and the connection limit
 * @param tls the certificate chain and key to serve HTTPS with, or empty for plain HTTP
 * @param metrics what {@code GET /metrics} serves, or empty to answer it with 404
 */
record ServerConfig(
    WeftRuntime runtime,
    boolean ownsRuntime,
    Journal journal,
    boolean ownsJournal,
    Applications applications,
    InetAddress address,
    OptionalInt port,
    long maxBodyBytes,
    Optional<String> token,
    Limits limits,
    Optional<javax.net.ssl.SSLContext> tls,
    Optional<dev.weft.observe.MetricsText> metrics) {

  /**
   * What bounds a connection, each value validated by the builder.
   *
   * @param headerTimeout the longest a request line and headers may take to arrive, from their
   *     first byte
   * @param readTimeout the longest a request body may take to arrive, from the end of the headers
   * @param idleTimeout the longest a connection may stay silent (no byte in or out): between
   *     requests, or in the middle of a body or a response
   * @param maxConnections how many connections are served at once; the next ones wait in the
   *     operating system's accept queue until one closes
   */
  record Limits(Duration headerTimeout, Duration readTimeout, Duration idleTimeout, int maxConnections) {}
}

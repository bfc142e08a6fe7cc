/**
 * Weft's HTTP server: {@link dev.weft.server.WeftServer} serves applications and their requests as
 * JSON over HTTP/1.1 (routes in docs/SERVER.md and at {@code GET /openapi.json}).
 *
 * <p>Only {@code WeftServer} and its builder are public; the router, the routes and the event
 * streams beside them are package-private. Built on Jetty 12's core API (no servlets) with a
 * virtual thread per exchange; header, read and idle timeouts, a connection limit and a watch
 * for clients that hang up keep slow or vanishing clients from starving it.
 */
package dev.weft.server;

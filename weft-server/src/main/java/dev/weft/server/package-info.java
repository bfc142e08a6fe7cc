/**
 * Weft's HTTP server: {@link dev.weft.server.WeftServer} serves applications and their requests as
 * JSON over HTTP/1.1 (routes in docs/SERVER.md and at {@code GET /openapi.json}).
 *
 * <p>Only {@code WeftServer} and its builder are public; the router, the routes and the event
 * streams beside them are package-private. Built on the JDK's {@code com.sun.net.httpserver}
 * with a virtual thread per exchange, so it needs nothing beyond weft-core and weft-transport.
 */
package dev.weft.server;

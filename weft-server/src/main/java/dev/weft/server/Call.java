package dev.weft.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One HTTP exchange as a handler sees it: path parameters, query parameters, the body read
 * within the size limit, and one response (JSON or an event stream). Used by one virtual thread.
 */
final class Call {
  static final String JSON = "application/json; charset=utf-8";

  private final HttpExchange exchange;
  private Map<String, String> pathParams = Map.of();
  private Map<String, String> query;
  private boolean responded;

  Call(HttpExchange exchange) {
    this.exchange = exchange;
  }

  void pathParams(Map<String, String> params) {
    this.pathParams = Map.copyOf(params);
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return exchange.getRequestURI().getRawPath();
  }

  /** A path parameter of the matched route, decoded. */
  String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no parameter " + name);
    }
    return v;
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  /**
   * The query parameters, decoded; each may appear once, and only those in {@code allowed}.
   *
   * @throws ApiException 400 {@code invalid_parameter} otherwise
   */
  Map<String, String> query(Set<String> allowed) {
    if (query == null) {
      query = parseQuery(exchange.getRequestURI().getRawQuery());
    }
    for (String name : query.keySet()) {
      if (!allowed.contains(name)) {
        throw ApiException.badRequest("invalid_parameter", "unknown query parameter '" + name + "' for "
            + method() + " " + path() + "; " + (allowed.isEmpty() ? "it takes none" : "it takes " + String.join(", ", allowed.stream().sorted().toList())));
      }
    }
    return query;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
      if (out.putIfAbsent(name, value) != null) {
        throw ApiException.badRequest("invalid_parameter", "query parameter '" + name + "' is given more than once; give it once");
      }
    }
    return out;
  }

  private static String decodeQuery(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_parameter", "malformed percent-encoding in the query string near '" + s + "'");
    }
  }

  /** Decodes one raw path segment ({@code +} stays a plus sign; {@code %2F} becomes a slash). */
  static String decodePathSegment(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_path", "malformed percent-encoding in the path segment '" + raw + "'");
    }
  }

  /** Percent-encodes {@code s} as one path segment. */
  static String encodePathSegment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Whether the client asked for server-sent events. */
  boolean wantsEventStream() {
    return exchange.getRequestHeaders().getOrDefault("Accept", java.util.List.of()).stream()
        .anyMatch(a -> a.toLowerCase(Locale.ROOT).contains("text/event-stream"));
  }

  /**
   * The request body, at most {@code limit} bytes. A declared {@code Content-Length} over the
   * limit is refused without reading anything; a body without one (chunked) is read until it
   * passes the limit.
   *
   * @throws ApiException 413 {@code body_too_large}, or 400 for a malformed Content-Length
   */
  byte[] body(long limit) throws IOException {
    Optional<String> declared = header("Content-Length");
    long length = -1;
    if (declared.isPresent()) {
      try {
        length = Long.parseLong(declared.get().strip());
      } catch (NumberFormatException e) {
        length = -2;
      }
      if (length < 0) {
        throw ApiException.badRequest("invalid_content_length", "Content-Length '" + declared.get()
            + "' is not a length in bytes");
      }
      if (length > limit) {
        throw tooLarge(limit, "Content-Length is " + length);
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      // A declared length is read exactly (the server stops the stream there); otherwise read
      // one byte past the limit to tell "at the limit" from "over it".
      byte[] body = in.readNBytes((int) (length >= 0 ? length : Math.min(Integer.MAX_VALUE - 8, limit + 1)));
      if (body.length > limit) {
        throw tooLarge(limit, "the body is longer");
      }
      return body;
    }
  }

  private static ApiException tooLarge(long limit, String found) {
    // Connection: close, so the server does not read the rest of the body to reuse the connection.
    return new ApiException(413, "body_too_large", "the body may be at most " + limit + " bytes and " + found
        + "; send a smaller input (the limit is WeftServer.Builder.maxBodyBytes)", Map.of("Connection", "close"));
  }

  boolean responded() {
    return responded;
  }

  /** Sends a JSON response; the exchange is closed by the router. */
  void json(int status, String json) throws IOException {
    json(status, json, Map.of());
  }

  void json(int status, String json, Map<String, String> headers) throws IOException {
    send(status, JSON, json.getBytes(StandardCharsets.UTF_8), headers);
  }

  void send(int status, String contentType, byte[] body, Map<String, String> headers) throws IOException {
    markResponded();
    var out = exchange.getResponseHeaders();
    out.set("Content-Type", contentType);
    headers.forEach(out::set);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    }
  }

  /** Starts a {@code 200 text/event-stream} response; the headers are on the wire when this returns. */
  EventStream eventStream() throws IOException {
    markResponded();
    var out = exchange.getResponseHeaders();
    out.set("Content-Type", "text/event-stream; charset=utf-8");
    out.set("Cache-Control", "no-cache");
    out.set("X-Accel-Buffering", "no"); // tell a proxy in front not to buffer the stream
    exchange.sendResponseHeaders(200, 0); // 0: chunked, of unknown length
    OutputStream body = exchange.getResponseBody();
    body.flush(); // the JDK server holds the headers back until the first chunk; send them now
    return new EventStream(body);
  }

  private void markResponded() {
    if (responded) {
      throw new IllegalStateException("already responded to " + method() + " " + path());
    }
    responded = true;
  }
}

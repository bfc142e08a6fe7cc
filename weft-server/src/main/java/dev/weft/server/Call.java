package dev.weft.server;

import dev.weft.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One HTTP exchange as a handler sees it: path parameters, query parameters, the body read
 * within the size limit and the read timeout, one response (JSON or an event stream), and
 * whether the client has hung up. Used by the one virtual thread that handles the exchange; its
 * writes block until the bytes are on their way.
 */
final class Call {
  static final String JSON = "application/json; charset=utf-8";

  private final Request request;
  private final Response response;
  private final ConnectionWatch watch;
  private final Duration readTimeout;
  private final Thread thread = Thread.currentThread();
  private Map<String, String> pathParams = Map.of();
  private Map<String, String> query;
  private boolean responded;
  /** Guards {@link #armed} and {@link #gone}: a hang-up interrupts the thread only while it waits. */
  private final Object hangUpLock = new Object();
  private boolean armed;
  private volatile boolean gone;

  Call(Request request, Response response, ConnectionWatch watch, Duration readTimeout) {
    this.request = request;
    this.response = response;
    this.watch = watch;
    this.readTimeout = readTimeout;
  }

  void pathParams(Map<String, String> params) {
    this.pathParams = Map.copyOf(params);
  }

  String method() {
    return request.getMethod();
  }

  /** The path as sent, percent-encoding and all. */
  String path() {
    return request.getHttpURI().getPath();
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
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  /**
   * The query parameters, decoded; each may appear once, and only those in {@code allowed}.
   *
   * @throws ApiException 400 {@code invalid_parameter} otherwise
   */
  Map<String, String> query(Set<String> allowed) {
    if (query == null) {
      query = parseQuery(request.getHttpURI().getQuery());
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
    return request.getHeaders().getValuesList(HttpHeader.ACCEPT).stream()
        .anyMatch(a -> a.toLowerCase(Locale.ROOT).contains("text/event-stream"));
  }

  /**
   * The request body, at most {@code limit} bytes, all of it within the read timeout from the
   * end of the headers. A declared {@code Content-Length} over the limit is refused without
   * reading anything (Jetty has already refused a malformed one); a body without one (chunked)
   * is read until it passes the limit.
   *
   * @throws ApiException 413 {@code body_too_large}, or 408 {@code request_timeout}
   * @throws IOException if the client went away mid-body
   */
  byte[] body(long limit) throws IOException {
    long declared = request.getLength();
    if (declared > limit) {
      throw tooLarge(limit, "Content-Length is " + declared);
    }
    long deadline = request.getHeadersNanoTime() + readTimeout.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        awaitContent(deadline);
        continue;
      }
      try {
        if (Content.Chunk.isFailure(chunk)) {
          // a transient failure is Jetty's idle timeout: the body stopped moving
          if (chunk.isLast()) {
            throw new IOException("the client went away mid-body", chunk.getFailure());
          }
          throw timedOut("stopped arriving");
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        if (out.size() + (long) bytes.remaining() > limit) {
          throw tooLarge(limit, "the body is longer");
        }
        byte[] part = new byte[bytes.remaining()];
        bytes.get(part);
        out.write(part);
        if (chunk.isLast()) {
          return out.toByteArray();
        }
      } finally {
        chunk.release();
      }
    }
  }

  private void awaitContent(long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timedOut("did not arrive");
    }
    CountDownLatch more = new CountDownLatch(1);
    request.demand(more::countDown);
    try {
      if (!more.await(left, TimeUnit.NANOSECONDS)) {
        throw timedOut("did not arrive");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading the body (the server is closing)");
    }
  }

  private ApiException timedOut(String what) {
    return new ApiException(408, "request_timeout", "the request body " + what + " within " + readTimeout.toMillis() + " ms"
        + "; send the whole body at once (the limit is WeftServer.Builder.readTimeout)", Map.of("Connection", "close"));
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
    response.setStatus(status);
    var out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.forEach(out::put);
    out.put(HttpHeader.CONTENT_LENGTH, body.length);
    write(true, ByteBuffer.wrap(body));
  }

  /** Writes to the response, blocking until the bytes are handed to the network. */
  void write(boolean last, ByteBuffer bytes) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(last, bytes, written);
      written.block();
    }
  }

  /** Starts a {@code 200 text/event-stream} response; the headers are on the wire when this returns. */
  EventStream eventStream() throws IOException {
    markResponded();
    response.setStatus(200);
    var out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    out.put(HttpHeader.CACHE_CONTROL, "no-cache");
    out.put("X-Accel-Buffering", "no"); // tell a proxy in front not to buffer the stream
    write(false, ByteBuffer.allocate(0)); // commits the response: the headers go out now, chunked
    return new EventStream(this);
  }

  /**
   * While the returned subscription is open, a client that hangs up interrupts this exchange's
   * thread (which is waiting for a request to end); {@link #clientGone()} then says why. Close it
   * before writing the response: after {@code close()} returns no interrupt comes from here.
   */
  Subscription interruptOnHangUp() {
    synchronized (hangUpLock) {
      armed = true;
    }
    Subscription watching = watch.onHangUp(request.getConnectionMetaData().getConnection(), () -> {
      synchronized (hangUpLock) {
        gone = true;
        if (armed) {
          thread.interrupt();
        }
      }
    });
    return () -> {
      watching.close();
      synchronized (hangUpLock) {
        armed = false;
      }
      if (gone) {
        Thread.interrupted(); // ours, not the server's: the exchange ends without an answer anyway
      }
    };
  }

  /** Whether the client has hung up (noticed while {@link #interruptOnHangUp} was open). */
  boolean clientGone() {
    return gone;
  }

  private void markResponded() {
    if (responded) {
      throw new IllegalStateException("already responded to " + method() + " " + path());
    }
    responded = true;
  }
}

package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * A blocking client of a Weft server's HTTP API (docs/SERVER.md), for the commands that talk to
 * one: {@code invoke}, {@code requests} and {@code demo}.
 *
 * <p>Every method blocks the calling thread until the server has answered (a followed request:
 * until it has finished). Failures are {@link CommandFailure}s whose message is fit for the
 * user: an error answer of the server is an {@link ApiError} carrying the server's own message; a
 * server that cannot be reached, or a connection that breaks, exits 1 with what to do. An
 * interrupt ends the wait with a {@link CommandFailure} and keeps the thread's interrupt status.
 * Thread-safe.
 */
final class WeftClient {
  /** Reads and pretty-prints the server's JSON. */
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final URI server;
  private final Optional<String> token;
  private final HttpClient http;

  /**
   * A client of the server at {@code server} (such as {@code http://127.0.0.1:8080}, with or
   * without a trailing slash), sending {@code token} as a bearer token if present.
   *
   * @throws CommandFailure (usage) unless {@code server} is an absolute http or https URL
   */
  WeftClient(URI server, Optional<String> token) {
    this(server, token, Optional.empty());
  }

  /**
   * A client of the server at {@code server} that, for an https URL, trusts the certificates in
   * the PEM file {@code tlsCa} besides the system's trusted CAs.
   *
   * @throws CommandFailure (usage) unless {@code server} is an absolute http or https URL, or if
   *     {@code tlsCa} is missing or holds no certificate
   */
  WeftClient(URI server, Optional<String> token, Optional<Path> tlsCa) {
    Objects.requireNonNull(server, "server");
    String scheme = Optional.ofNullable(server.getScheme()).orElse("");
    if (!(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
      throw CommandFailure.usage("--server must be an http(s) URL such as http://127.0.0.1:8080, was '" + server + "'");
    }
    String s = server.toString();
    this.server = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = Objects.requireNonNull(token, "token");
    // HTTP/1.1: the JDK server does not speak h2c, and the upgrade attempt costs a round trip.
    HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
    tlsCa.ifPresent(ca -> http.sslContext(ClientTrust.trusting(ca)));
    this.http = http.build();
  }

  /** The server's URL, without a trailing slash. */
  URI server() {
    return server;
  }

  /** The server's answer to a submit: {@code {"request_id", "application", "state", "duplicate"}}. */
  record Submitted(String requestId, String application, String state, boolean duplicate) {
    static Submitted of(JsonNode envelope) {
      return new Submitted(envelope.path("request_id").asText(), envelope.path("application").asText(),
          envelope.path("state").asText(), envelope.path("duplicate").asBoolean());
    }
  }

  /** One progress update of a request. */
  record Progress(double current, double total, String message) {
    static Optional<Progress> of(JsonNode node) {
      if (node == null || !node.isObject()) {
        return Optional.empty();
      }
      return Optional.of(new Progress(node.path("current").asDouble(), node.path("total").asDouble(),
          node.path("message").asText("")));
    }
  }

  /** How a followed request ended. */
  sealed interface Outcome {
    /** It succeeded with {@code output}. */
    record Output(Submitted request, JsonNode output) implements Outcome {}

    /** It failed or was cancelled: {@code code} is {@code request_failed} or {@code request_cancelled}. */
    record Failure(Submitted request, String code, String message) implements Outcome {}
  }

  /** Hears what happens to a followed request, on the thread that follows it. */
  interface Listener {
    /** The server has recorded the request. */
    default void accepted(Submitted request) {}

    /** The request reported progress. */
    default void progress(Progress progress) {}
  }

  /**
   * Submits {@code inputJson} to application {@code app} and returns at once.
   *
   * @throws ApiError if the server refuses (unknown application, bad input, ...)
   */
  Submitted submit(String app, String inputJson, Optional<String> idempotencyKey) {
    HttpResponse<InputStream> response = send(submitRequest(app, inputJson, idempotencyKey, false));
    return Submitted.of(readJson(response));
  }

  /**
   * Submits {@code inputJson} to {@code app} and follows the request on its event stream until it
   * ends, telling {@code listener} about acceptance and progress.
   *
   * @throws ApiError if the server refuses the request
   * @throws CommandFailure if the stream ends before the request does (the server stopped: the
   *     request goes on, or resumes when a server starts again)
   */
  Outcome submitAndFollow(String app, String inputJson, Optional<String> idempotencyKey, Listener listener) {
    HttpResponse<InputStream> response = send(submitRequest(app, inputJson, idempotencyKey, true));
    if (response.statusCode() >= 300) {
      throw error(response);
    }
    Submitted accepted = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      EventReader events = new EventReader(lines);
      for (Optional<Event> e = events.next(); e.isPresent(); e = events.next()) {
        Event event = e.get();
        switch (event.name()) {
          case "accepted" -> {
            accepted = Submitted.of(parse(event.data()));
            listener.accepted(accepted);
          }
          case "progress" -> Progress.of(parse(event.data())).ifPresent(listener::progress);
          case "output" -> {
            return new Outcome.Output(orUnknown(accepted, app), parse(event.data()));
          }
          case "error" -> {
            JsonNode error = parse(event.data());
            return new Outcome.Failure(orUnknown(accepted, app), error.path("code").asText("request_failed"),
                error.path("message").asText(""));
          }
          default -> { } // an event this client does not know: newer servers may add some
        }
      }
    } catch (IOException e) {
      throw lostStream(accepted, e);
    }
    throw lostStream(accepted, null);
  }

  /**
   * {@code GET path} (with its query), as JSON.
   *
   * @throws ApiError if the server answers with an error
   */
  JsonNode get(String pathAndQuery) {
    return readJson(send(request(pathAndQuery).timeout(CALL_TIMEOUT).GET().build()));
  }

  /**
   * {@code DELETE path}, as JSON.
   *
   * @throws ApiError if the server answers with an error
   */
  JsonNode delete(String path) {
    return readJson(send(request(path).timeout(CALL_TIMEOUT).DELETE().build()));
  }

  /** {@code s} as one path segment: everything but unreserved characters percent-encoded. */
  static String segment(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** {@code s} as a query parameter value. */
  static String query(String s) {
    return segment(s);
  }

  /** Parses {@code text} as JSON. */
  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw CommandFailure.failed("the server sent something that is not JSON: " + e.getOriginalMessage());
    }
  }

  /** {@code node} as indented JSON. */
  static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree did not write as JSON", e);
    }
  }

  // ---- internals

  private HttpRequest submitRequest(String app, String inputJson, Optional<String> key, boolean stream) {
    HttpRequest.Builder b = request("/v1/applications/" + segment(app))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(inputJson, StandardCharsets.UTF_8));
    key.ifPresent(k -> b.header("Idempotency-Key", k));
    if (stream) {
      b.header("Accept", "text/event-stream");
    } else {
      b.timeout(CALL_TIMEOUT);
    }
    return b.build();
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + pathAndQuery));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private HttpResponse<InputStream> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw CommandFailure.failed("cannot reach a Weft server at " + server + " (connection refused); start one with "
          + "'weft server', or point --server (or $WEFT_SERVER) at one");
    } catch (HttpTimeoutException e) {
      throw CommandFailure.failed("the Weft server at " + server + " did not answer " + request.method() + " "
          + request.uri().getPath() + " in time (" + e.getMessage() + ")");
    } catch (SSLHandshakeException e) {
      throw CommandFailure.failed(ClientTrust.describe(server, e));
    } catch (IOException e) {
      throw CommandFailure.failed("talking to the Weft server at " + server + " failed: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failed("interrupted while waiting for the Weft server at " + server);
    }
  }

  private JsonNode readJson(HttpResponse<InputStream> response) {
    if (response.statusCode() >= 300) {
      throw error(response);
    }
    return parse(body(response));
  }

  private static ApiError error(HttpResponse<InputStream> response) {
    String body = body(response);
    String code = "http_" + response.statusCode();
    String message = body.isBlank() ? "the server answered HTTP " + response.statusCode() + " with no message" : body;
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject() && node.hasNonNull("message")) {
        code = node.path("code").asText(code);
        message = node.path("message").asText();
      }
    } catch (JsonProcessingException e) {
      // not JSON (a proxy's page, say): the body itself is the best message there is
    }
    return new ApiError(response.statusCode(), code, message);
  }

  private static String body(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CommandFailure.failed("reading the server's answer failed: " + describe(e));
    }
  }

  private static Submitted orUnknown(Submitted accepted, String app) {
    return accepted != null ? accepted : new Submitted("(unknown)", app, "", false);
  }

  private CommandFailure lostStream(Submitted accepted, IOException cause) {
    String why = cause == null ? "the server closed the stream" : describe(cause);
    if (accepted == null) {
      return new CommandFailure(1, "lost the connection to " + server + " before the request was accepted (" + why + ")",
          cause);
    }
    return new CommandFailure(1, "lost the connection to " + server + " while request " + accepted.requestId()
        + " was running (" + why + "); it goes on, or resumes when a server starts again on the same --data: "
        + "follow it with 'weft requests show " + accepted.requestId() + "'", cause);
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** One server-sent event. */
  record Event(String name, String data) {}

  /**
   * Reads server-sent events (text/event-stream): {@code event:} and {@code data:} fields up to a
   * blank line; comment lines (starting with a colon) are skipped. Package-private for tests.
   */
  static final class EventReader {
    private final BufferedReader lines;

    EventReader(BufferedReader lines) {
      this.lines = lines;
    }

    /** The next event, or empty at the end of the stream. */
    Optional<Event> next() throws IOException {
      String name = "message";
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            return Optional.of(new Event(name, data.toString()));
          }
          name = "message";
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "event" -> name = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> { } // id, retry: not used by Weft
        }
      }
      return Optional.empty(); // an event without its blank line is incomplete: dropped, as the spec says
    }
  }
}

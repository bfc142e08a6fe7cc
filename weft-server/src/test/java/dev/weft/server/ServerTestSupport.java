package dev.weft.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per test, on a free loopback port, serving {@link TestApps}, and a real HTTP client
 * ({@link HttpClient}) to talk to it. Subclasses choose the journal with {@link #newJournal}.
 */
@Timeout(60)
abstract class ServerTestSupport {
  static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path tempDir;

  Journal journal;
  WeftRuntime runtime;
  WeftServer server;
  HttpClient http;

  /** The journal the runtime records requests in; SQLite variants override this. */
  Journal newJournal(Path dir) {
    return new InMemoryJournal();
  }

  /** Options beyond the defaults, for tests of the options. */
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder;
  }

  @BeforeEach
  void startServer() {
    TestApps.reset();
    journal = newJournal(tempDir);
    runtime = WeftRuntime.builder().journal(journal).eventLoops(1).build();
    server = configure(WeftServer.builder().runtime(runtime).journal(journal)
        .applications(Applications.of(TestApps.class))).start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stopServer() {
    TestApps.release.countDown();
    http.close();
    server.close();
    runtime.close();
    journal.close();
  }

  /** A response, its body as text. */
  record Response(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The error code of an error response. */
    String code() {
      return json().path("code").asText();
    }

    String message() {
      return json().path("message").asText();
    }
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  Response post(String path, String body, String... headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Response delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  /** Submits with {@code ?wait=true} and returns the finished envelope. */
  JsonNode run(String app, String input, String... headers) {
    Response r = post("/v1/applications/" + app + "?wait=true", input, headers);
    if (r.status() != 200) {
      throw new AssertionError("POST " + app + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  /** Opens an event stream; returns once the response headers have arrived. */
  EventStreamReader events(HttpRequest request) {
    try {
      return new EventStreamReader(http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  EventStreamReader events(String path) {
    return events(request(path, "Accept", "text/event-stream").GET().build());
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  /** A response read off a raw socket: the status, the headers (names lower case) and the body. */
  record RawResponse(int status, java.util.Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  /**
   * Sends {@code request} byte for byte (ISO-8859-1, so any byte can be written) over a new
   * socket and reads one response; for requests no HTTP client would send.
   */
  RawResponse raw(String request) {
    try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return readRaw(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one HTTP/1.1 response with a Content-Length (or up to the end of the stream). */
  static RawResponse readRaw(InputStream in) throws IOException {
    String statusLine = readLine(in);
    if (statusLine == null) {
      throw new java.io.EOFException("the server closed the connection without answering");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
    }
    byte[] body = headers.containsKey("content-length")
        ? in.readNBytes(Integer.parseInt(headers.get("content-length")))
        : in.readAllBytes();
    return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return line.isEmpty() ? null : line.toString();
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** Reads server-sent events, one at a time, as they arrive. */
  static final class EventStreamReader implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BufferedReader reader;

    EventStreamReader(HttpResponse<InputStream> response) {
      this.response = response;
      this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    int status() {
      return response.statusCode();
    }

    HttpHeaders headers() {
      return response.headers();
    }

    /** An event: its name and its data (data lines joined with newlines). */
    record Event(String name, String data) {
      JsonNode json() {
        try {
          return MAPPER.readTree(data);
        } catch (IOException e) {
          throw new UncheckedIOException("not JSON: " + data, e);
        }
      }
    }

    /** The next event, blocking until it arrives; null when the stream has ended. */
    Event next() {
      try {
        String name = "message";
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (data != null) {
              return new Event(name, data.toString());
            }
            name = "message";
            continue;
          }
          if (line.startsWith(":")) {
            continue; // a comment
          }
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
          if (field.equals("event")) {
            name = value;
          } else if (field.equals("data")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          }
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Every remaining event, until the server ends the stream. */
    List<Event> rest() {
      List<Event> out = new ArrayList<>();
      for (Event e = next(); e != null; e = next()) {
        out.add(e);
      }
      return out;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        // closing a stream the test is done with
      }
    }
  }
}

package dev.weft.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's files (plain HTML, CSS and JavaScript modules, from the jar): {@code GET /}
 * answers the page, {@code GET /dashboard/{file}} its scripts and style sheet. They are served
 * without a token because they hold no data: the page reads everything through the {@code /v1}
 * routes, sending the bearer token the user gives it. Loaded once; immutable and thread-safe.
 */
final class Dashboard {
  /** Every file the dashboard has; anything else under {@code /dashboard/} is 404. */
  static final List<String> FILES = List.of("index.html", "style.css", "favicon.svg", "app.js", "api.js", "ui.js", "pages.js");

  /**
   * Headers sent with every file: the page loads only its own scripts, styles and data, cannot be
   * framed, and is checked for a newer version on every load (it is small and served locally).
   */
  private static final Map<String, String> HEADERS = Map.of(
      "Cache-Control", "no-cache",
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer",
      "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'");

  private final Map<String, byte[]> files = new LinkedHashMap<>();

  Dashboard() {
    for (String name : FILES) {
      try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
        if (in == null) {
          throw new IllegalStateException("dev/weft/server/dashboard/" + name + " is missing from the class path");
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // GET /
  void index(Call call) throws IOException {
    call.query(Set.of());
    send(call, "index.html");
  }

  // GET /dashboard/{file}
  void file(Call call) throws IOException {
    call.query(Set.of());
    String name = call.pathParam("file");
    if (!files.containsKey(name)) {
      throw ApiException.notFound("not_found", "the dashboard has no file '" + name + "'; open it at /");
    }
    send(call, name);
  }

  private void send(Call call, String name) throws IOException {
    call.send(200, contentType(name), files.get(name), HEADERS);
  }

  static String contentType(String name) {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return switch (extension) {
      case "html" -> "text/html; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> throw new IllegalArgumentException("no content type for " + name);
    };
  }
}

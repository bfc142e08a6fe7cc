package dev.weft.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Maps {@code METHOD /path/{param}} to handlers, checks the bearer token, and turns what a
 * handler throws into a JSON error. Called on the exchange's virtual thread; immutable.
 */
final class Router implements HttpHandler {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");

  /** What a route does; runs on the exchange's virtual thread and may block. */
  @FunctionalInterface
  interface Handler {
    void handle(Call call) throws IOException;
  }

  /**
   * One route.
   *
   * @param method the HTTP method, upper case
   * @param template the path, with {@code {name}} for a parameter that is one path segment
   * @param authenticated whether it needs the bearer token (when the server has one)
   * @param handler what it does
   */
  record Route(String method, String template, boolean authenticated, Handler handler) {
    Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(handler, "handler");
    }

  }

  private final List<Route> routes;
  /** Each route's template split into segments, in the order of {@link #routes}. */
  private final List<List<String>> templates;
  private final Optional<String> token;

  Router(List<Route> routes, Optional<String> token) {
    this.routes = List.copyOf(routes);
    this.templates = this.routes.stream().map(r -> segmentsOf(r.template())).toList();
    this.token = token;
  }

  List<Route> routes() {
    return routes;
  }

  @Override
  public void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    try (exchange) {
      Call call = new Call(exchange);
      try {
        dispatch(call, method, exchange.getRequestURI().getRawPath());
      } catch (ApiException e) {
        respondError(call, e.status(), e.code(), e.getMessage(), e.headers());
      } catch (IOException e) {
        // The client went away mid-exchange: nothing to answer.
        LOG.log(System.Logger.Level.DEBUG, () -> "connection lost during " + method + " " + exchange.getRequestURI(), e);
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.ERROR, "failed to serve " + method + " " + exchange.getRequestURI(), e);
        respondError(call, 500, "internal_error", "the server failed: " + e + " (details in its log)", Map.of());
        if (e instanceof Error err) {
          throw err;
        }
      }
    }
  }

  private void dispatch(Call call, String method, String rawPath) throws IOException {
    List<String> path = segmentsOf(rawPath);
    Set<String> allowed = new LinkedHashSet<>();
    Route match = null;
    List<String> template = List.of();
    for (int i = 0; i < routes.size(); i++) {
      Route route = routes.get(i);
      if (!matches(templates.get(i), path)) {
        continue;
      }
      allowed.add(route.method());
      if (route.method().equals(method) && match == null) {
        match = route;
        template = templates.get(i);
      }
    }
    if (match == null) {
      if (allowed.isEmpty()) {
        throw ApiException.notFound("not_found", "no route for " + method + " " + rawPath
            + "; the routes are described at GET /openapi.json");
      }
      throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + rawPath + "; use "
          + String.join(" or ", allowed), Map.of("Allow", String.join(", ", allowed)));
    }
    if (match.authenticated() && token.isPresent() && !Tokens.matches(call.header("Authorization"), token.get())) {
      throw new ApiException(401, "unauthorized", call.header("Authorization").isPresent()
          ? "the bearer token is wrong; send the server's token as 'Authorization: Bearer <token>'"
          : "this server requires a bearer token; send 'Authorization: Bearer <token>'",
          Map.of("WWW-Authenticate", "Bearer realm=\"weft\""));
    }
    call.pathParams(params(template, path));
    match.handler().handle(call);
  }

  private static void respondError(Call call, int status, String code, String message, Map<String, String> headers) {
    if (call.responded()) {
      return; // headers are gone already (an event stream); closing the exchange is all there is
    }
    try {
      call.json(status, Json.object().str("code", code).str("message", message).end(), headers);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not send a " + status + " response", e);
    }
  }

  static List<String> segmentsOf(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean matches(List<String> template, List<String> path) {
    if (template.size() != path.size()) {
      return false;
    }
    for (int i = 0; i < template.size(); i++) {
      if (!isParam(template.get(i)) && !template.get(i).equals(path.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> params(List<String> template, List<String> path) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      if (isParam(t)) {
        params.put(t.substring(1, t.length() - 1), Call.decodePathSegment(path.get(i)));
      }
    }
    return params;
  }

  private static boolean isParam(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }
}

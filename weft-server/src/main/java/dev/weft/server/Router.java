package dev.weft.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Maps {@code METHOD /path/{param}} to handlers, checks the bearer token, and turns what a
 * handler throws into a JSON error. Jetty calls it on the exchange's own virtual thread (it is
 * declared blocking), where the handler blocks plainly; the routes are immutable.
 */
final class Router extends org.eclipse.jetty.server.Handler.Abstract {
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
  private final ConnectionWatch watch;
  private final Duration readTimeout;
  /** The threads handling an exchange now, interrupted when the server closes. */
  private final Set<Thread> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  Router(List<Route> routes, Optional<String> token, ConnectionWatch watch, Duration readTimeout) {
    super(InvocationType.BLOCKING); // so Jetty runs every exchange on its own virtual thread
    this.routes = List.copyOf(routes);
    this.templates = this.routes.stream().map(r -> segmentsOf(r.template())).toList();
    this.token = token;
    this.watch = watch;
    this.readTimeout = readTimeout;
  }

  /** How many exchanges are being handled now (each on its own virtual thread). */
  int activeExchanges() {
    return active.size();
  }

  /**
   * Refuses new exchanges and interrupts the ones under way: a {@code ?wait=true} is answered
   * {@code 503 shutting_down}, an event stream ends without a final event. Waits up to {@code
   * grace} for them to finish, so those answers go out before the connections close.
   */
  void closing(Duration grace) {
    closing = true;
    active.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (active) {
      while (!active.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          active.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  List<Route> routes() {
    return routes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Connection connection = request.getConnectionMetaData().getConnection();
    Thread thread = Thread.currentThread();
    active.add(thread);
    Call call = new Call(request, response, watch, readTimeout);
    String method = request.getMethod();
    try {
      if (closing) {
        throw new ApiException(503, "shutting_down", "the server is closing; try again once it is back",
            Map.of("Connection", "close"));
      }
      dispatch(call, method, call.path());
      if (call.responded() || !call.clientGone() && !Thread.currentThread().isInterrupted()) {
        finish(call, callback, null);
      } else {
        // the client hung up or the server is closing while the exchange waited: nobody to answer
        abort(connection, callback, new ClosedChannelException());
      }
    } catch (ApiException e) {
      finish(call, callback, e);
    } catch (IOException e) {
      // The client went away mid-exchange: nothing to answer.
      LOG.log(System.Logger.Level.DEBUG, () -> "connection lost during " + method + " " + request.getHttpURI(), e);
      abort(connection, callback, e);
    } catch (RuntimeException | Error e) {
      // The details go to the log only: a 5xx never carries internal messages or class names.
      LOG.log(System.Logger.Level.ERROR, "failed to serve " + method + " " + request.getHttpURI().getPath(), e);
      finish(call, callback, new ApiException(500, "internal_error", "the server failed to serve this request; "
          + "the details are in its log"));
      if (e instanceof Error err) {
        throw err;
      }
    } finally {
      active.remove(thread);
      if (closing) {
        synchronized (active) {
          active.notifyAll();
        }
      }
      Thread.interrupted(); // an interrupt meant for this exchange ends with it
    }
    return true;
  }

  /** Completes the exchange, answering {@code error} first if nothing was sent yet. */
  private static void finish(Call call, Callback callback, ApiException error) {
    if (error == null) {
      callback.succeeded();
      return;
    }
    if (call.responded()) {
      // headers are gone already (an event stream): ending the connection is all there is
      callback.failed(error);
      return;
    }
    try {
      Thread.interrupted(); // so that the blocking write of the answer is not cut short
      call.json(error.status(), Json.object().str("code", error.code()).str("message", error.getMessage()).end(),
          error.headers());
      callback.succeeded();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not send a " + error.status() + " response", e);
      callback.failed(e);
    }
  }

  private static void abort(Connection connection, Callback callback, Throwable why) {
    connection.getEndPoint().close();
    callback.failed(why);
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

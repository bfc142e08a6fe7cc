package dev.weft.server;

import dev.weft.Applications;
import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Subscription;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The HTTP API's routes and what each does; docs/SERVER.md and {@code openapi.json} describe
 * them for clients. Every handler runs on its exchange's virtual thread and blocks plainly.
 */
final class Routes {
  /** How often an idle event stream sends a comment, at most, to keep proxies and the connection open. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  /** How long {@code DELETE} waits for another node to record the cancel before it answers 202. */
  private static final Duration REMOTE_CANCEL_WAIT = Duration.ofSeconds(10);

  private final Service service;
  private final Duration heartbeat;
  private final byte[] openApi;
  private final Inventory inventory;
  private final Dashboard dashboard = new Dashboard();
  private final Probes probes;

  Routes(Service service, Duration heartbeat, Optional<dev.weft.observe.MetricsText> metrics) {
    this.service = service;
    this.heartbeat = heartbeat;
    this.openApi = openApiDocument();
    this.inventory = new Inventory(service.journal());
    this.probes = new Probes(service, metrics);
  }

  /** Every route; the router tries them in this order. */
  List<Router.Route> all() {
    return List.of(
        new Router.Route("GET", "/v1/applications", true, this::listApplications),
        new Router.Route("POST", "/v1/applications/{app}", true, this::submit),
        new Router.Route("GET", "/v1/requests", true, this::listRequests),
        new Router.Route("GET", "/v1/requests/{id}", true, this::getRequest),
        new Router.Route("DELETE", "/v1/requests/{id}", true, this::cancel),
        new Router.Route("GET", "/v1/requests/{id}/output", true, this::output),
        new Router.Route("GET", "/v1/requests/{id}/input", true, this::input),
        new Router.Route("GET", "/v1/requests/{id}/calls", true, this::calls),
        new Router.Route("GET", "/v1/requests/{id}/progress", true, this::progress),
        new Router.Route("GET", "/openapi.json", false, this::openApi),
        new Router.Route("GET", "/v1/services", true, inventory::services),
        new Router.Route("GET", "/v1/nodes", true, inventory::nodes),
        new Router.Route("GET", "/", false, dashboard::index),
        new Router.Route("GET", "/dashboard/{file}", false, dashboard::file),
        new Router.Route("GET", "/health", false, probes::health),
        new Router.Route("GET", "/health/ready", false, probes::health),
        new Router.Route("GET", "/health/live", false, probes::live),
        new Router.Route("GET", "/metrics", true, probes::metrics));
  }

  static byte[] openApiDocument() {
    try (InputStream in = Routes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("dev/weft/server/openapi.json is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // GET /openapi.json
  private void openApi(Call call) throws IOException {
    call.query(Set.of());
    call.send(200, Call.JSON, OpenApi.document(openApi, service.applications().all()), Map.of());
  }

  // GET /v1/applications
  private void listApplications(Call call) throws IOException {
    call.query(Set.of());
    call.json(200, Json.array(service.applications().all().stream().map(Views::application).toList()));
  }

  // POST /v1/applications/{app}[?wait=true]
  private void submit(Call call) throws IOException {
    Applications.Entry app = service.application(call.pathParam("app"));
    boolean wait = flag(call.query(Set.of("wait")), "wait");
    Optional<String> contentType = call.header("Content-Type");
    if (contentType.isPresent() && !isJson(contentType.get())) {
      throw new ApiException(415, "unsupported_media_type", "send the input as JSON with 'Content-Type: application/json' (was '"
          + contentType.get() + "')");
    }
    Optional<String> key = call.header("Idempotency-Key").map(Routes::checkKey);
    Object input = service.decodeInput(app, call.body(service.maxBodyBytes()));

    Service.Submitted submitted = service.submit(app, input, key); // journaled when this returns
    Request<?> request = submitted.request();
    if (call.wantsEventStream()) {
      streamRequest(call, request, submitted.duplicate());
      return;
    }
    Map<String, String> location = Map.of("Location", "/v1/requests/" + Call.encodePathSegment(request.id()));
    if (!wait) {
      call.json(submitted.duplicate() ? 200 : 202, envelope(request, submitted.duplicate(), Optional.empty()), location);
      return;
    }
    if (!awaitEnd(call, request)) {
      if (call.clientGone()) {
        return; // nobody to answer; the request goes on
      }
      if (!request.done() && service.runtime().running(request.id()).isEmpty()) {
        // Another node of the fleet took the request over (this one lost its lease): its end
        // reaches the journal, not this runtime.
        Optional<RequestInfo> end = followToEnd(call, request.id());
        if (end.isPresent()) {
          call.json(200, envelope(end.get(), submitted.duplicate()), location);
          return;
        }
        if (call.clientGone()) {
          return;
        }
      }
      throw new ApiException(503, "shutting_down", "the server is closing; request " + request.id()
          + " goes on, read it later with GET /v1/requests/" + request.id(), Map.of("Connection", "close"));
    }
    call.json(200, envelope(request, submitted.duplicate(), Optional.of(service.outcome(request))), location);
  }

  /**
   * Waits for {@code request} to end while the client's connection is watched, so a client that
   * hangs up ends the wait (within a second or so). Returns false if the wait ended without the
   * request (the client hung up, or the thread was interrupted because the server is closing).
   * The watch costs no system call for a wait that ends quickly, and the wait is untimed: a timed
   * park of a virtual thread costs a timer task per request.
   */
  private static boolean awaitEnd(Call call, Request<?> request) {
    try (Subscription hangUp = call.interruptOnHangUp()) {
      request.result();
    } catch (RuntimeException e) {
      // done (failed or cancelled), or interrupted by a hang-up or by the server closing
    }
    return request.done() && !call.clientGone();
  }

  /**
   * Follows a request that runs in another process through the journal until it finishes; empty
   * if the journal is not shared, or the wait ended first (hang-up, server closing).
   */
  private Optional<RequestInfo> followToEnd(Call call, String id) {
    Optional<RecordFollower> follower = RecordFollower.of(service.journal(), id);
    if (follower.isEmpty()) {
      return Optional.empty();
    }
    try (RecordFollower f = follower.get(); Subscription hangUp = call.interruptOnHangUp()) {
      return f.awaitFinished(Duration.ofDays(365));
    } catch (InterruptedException e) {
      return Optional.empty();
    }
  }

  /** The envelope of a finished request, from its record. */
  private String envelope(RequestInfo info, boolean duplicate) {
    Service.Outcome outcome = outcomeOf(info);
    Json.Obj o = Json.object()
        .str("request_id", info.id())
        .str("application", info.application())
        .str("state", info.state().name())
        .bool("duplicate", duplicate);
    switch (outcome) {
      case Service.Outcome.Output out -> o.raw("output", out.json());
      case Service.Outcome.Failure f -> o.raw("error", f.json());
    }
    return o.end();
  }

  private Service.Outcome outcomeOf(RequestInfo finished) {
    return finished.state() == RequestState.SUCCEEDED
        ? new Service.Outcome.Output(service.recordedOutput(finished))
        : Service.failure(finished);
  }

  /** {@code {"request_id", "application", "state", "duplicate"[, "output" | "error"]}}. */
  private static String envelope(Request<?> r, boolean duplicate, Optional<Service.Outcome> outcome) {
    Json.Obj o = Json.object()
        .str("request_id", r.id())
        .str("application", r.application())
        .str("state", r.state().name())
        .bool("duplicate", duplicate);
    if (outcome.isPresent()) {
      switch (outcome.get()) {
        case Service.Outcome.Output out -> o.raw("output", out.json());
        case Service.Outcome.Failure f -> o.raw("error", f.json());
      }
    }
    return o.end();
  }

  /** POST with {@code Accept: text/event-stream}: accepted, progress..., then output or error. */
  private void streamRequest(Call call, Request<?> request, boolean duplicate) throws IOException {
    try (RequestWatch watch = service.watch(request); Subscription hangUp = call.interruptOnHangUp()) {
      EventStream events = call.eventStream();
      events.send("accepted", envelope(request, duplicate, Optional.empty()));
      if (!follow(request, watch, events, heartbeat)) {
        return;
      }
      switch (service.outcome(request)) {
        case Service.Outcome.Output out -> events.send("output", out.json());
        case Service.Outcome.Failure f -> events.send("error", f.json());
      }
    }
  }

  /**
   * Sends the progress snapshot and every later update until the request is done. Returns false
   * if the thread was interrupted first (the client hung up, or the server is closing).
   */
  private static boolean follow(Request<?> request, RequestWatch watch, EventStream events, Duration heartbeat)
      throws IOException {
    if (watch.snapshot().isPresent()) {
      events.send("progress", Views.progress(watch.snapshot().get()));
    }
    while (true) {
      Optional<Object> next;
      try {
        next = watch.next(heartbeat);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (next.isEmpty()) {
        events.comment("keep-alive");
      } else if (next.get() == RequestWatch.DONE) {
        return request.done();
      } else if (next.get() instanceof ProgressUpdate update && watch.isNewer(update)) {
        events.send("progress", Views.progress(update));
      }
    }
  }

  // GET /v1/requests?application=&state=&limit=&cursor=
  private void listRequests(Call call) throws IOException {
    Map<String, String> q = call.query(Set.of("application", "state", "limit", "cursor"));
    Optional<String> application = Optional.ofNullable(q.get("application"));
    if (application.isPresent() && application.get().isBlank()) {
      throw ApiException.badRequest("invalid_parameter", "application must name an application; leave it out to list all");
    }
    Optional<RequestState> state = Optional.ofNullable(q.get("state")).map(Routes::parseState);
    int limit = Optional.ofNullable(q.get("limit")).map(Routes::parseLimit).orElse(DEFAULT_LIMIT);
    Optional<String> cursor = Optional.ofNullable(q.get("cursor"));
    if (cursor.isPresent() && cursor.get().isBlank()) {
      throw badCursor(cursor.get());
    }
    RequestPage page;
    try {
      page = service.journal().list(new RequestQuery(application, state, limit, cursor));
    } catch (IllegalArgumentException e) {
      // every other field is checked above: the journal did not understand the cursor
      throw badCursor(cursor.orElse(""));
    }
    call.json(200, Views.page(page));
  }

  private static ApiException badCursor(String cursor) {
    return ApiException.badRequest("invalid_cursor", "cursor '" + cursor + "' is not one this server gave; pass the "
        + "next_cursor of the previous page unchanged, or leave it out for the first page");
  }

  private static RequestState parseState(String s) {
    try {
      return RequestState.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_state", "state must be one of "
          + Arrays.stream(RequestState.values()).map(Enum::name).collect(Collectors.joining(", ")) + ", was '" + s + "'");
    }
  }

  private static int parseLimit(String s) {
    int limit;
    try {
      limit = Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT
          + " (default " + DEFAULT_LIMIT + "), was '" + s + "'");
    }
    return limit;
  }

  // GET /v1/requests/{id}
  private void getRequest(Call call) throws IOException {
    call.query(Set.of());
    call.json(200, Views.request(service.info(call.pathParam("id"))));
  }

  // GET /v1/requests/{id}/calls
  private void calls(Call call) throws IOException {
    call.query(Set.of());
    String id = call.pathParam("id");
    service.info(id); // 404 for an unknown request, not an empty tree
    call.json(200, Views.calls(service.journal().calls(id)));
  }

  // GET /v1/requests/{id}/output
  private void output(Call call) throws IOException {
    call.query(Set.of());
    String id = call.pathParam("id");
    Optional<Request<?>> live = service.runtime().running(id);
    Service.Outcome outcome;
    if (live.isPresent()) {
      if (!live.get().done()) {
        throw notFinished(id);
      }
      outcome = service.outcome(live.get());
    } else {
      RequestInfo info = service.info(id);
      outcome = switch (info.state()) {
        case RUNNING -> throw notFinished(id);
        case SUCCEEDED -> new Service.Outcome.Output(service.recordedOutput(info));
        case FAILED, CANCELLED -> Service.failure(info);
      };
    }
    switch (outcome) {
      case Service.Outcome.Output out -> call.json(200, out.json());
      case Service.Outcome.Failure f -> throw ApiException.conflict(f.code(), f.message());
    }
  }

  // GET /v1/requests/{id}/input
  private void input(Call call) throws IOException {
    call.query(Set.of());
    RequestInfo info = service.info(call.pathParam("id"));
    call.json(200, service.recordedInput(info));
  }

  private static ApiException notFinished(String id) {
    return ApiException.conflict("not_finished", "request " + id + " has not finished; follow it with GET /v1/requests/"
        + id + "/progress (server-sent events) and read the output after its done event");
  }

  // GET /v1/requests/{id}/progress
  private void progress(Call call) throws IOException {
    call.query(Set.of());
    String id = call.pathParam("id");
    Optional<Request<?>> live = service.runtime().running(id);
    if (live.isEmpty()) {
      RequestInfo info = service.info(id);
      if (!info.state().finished()) {
        Optional<RecordFollower> follower = RecordFollower.of(service.journal(), id);
        if (follower.isEmpty()) {
          throw notRunningHere(info);
        }
        followRecord(call, follower.get());
        return;
      }
      Optional<Service.Outcome.Failure> failure = info.state() == RequestState.SUCCEEDED
          ? Optional.empty() : Optional.of(Service.failure(info));
      call.eventStream().send("done", done(info.state(), info.progress(), failure));
      return;
    }
    Request<?> request = live.get();
    try (RequestWatch watch = service.watch(request); Subscription hangUp = call.interruptOnHangUp()) {
      EventStream events = call.eventStream();
      if (!follow(request, watch, events, heartbeat)) {
        return;
      }
      Optional<Service.Outcome.Failure> failure = service.outcome(request) instanceof Service.Outcome.Failure f
          ? Optional.of(f) : Optional.empty();
      events.send("done", done(request.state(), request.progress(), failure));
    }
  }

  /**
   * The progress stream of a request another node runs, from the journal's record: the progress
   * it has, each later one, then {@code done}, as for a request running here.
   */
  private void followRecord(Call call, RecordFollower follower) throws IOException {
    try (RecordFollower f = follower; Subscription hangUp = call.interruptOnHangUp()) {
      EventStream events = call.eventStream();
      RequestInfo info = f.now();
      Optional<ProgressUpdate> sent = Optional.empty();
      long quietSince = System.nanoTime();
      while (true) {
        if (info.progress().isPresent() && !info.progress().equals(sent)) {
          events.send("progress", Views.progress(info.progress().get()));
          sent = info.progress();
          quietSince = System.nanoTime();
        }
        if (info.state().finished()) {
          Optional<Service.Outcome.Failure> failure = info.state() == RequestState.SUCCEEDED
              ? Optional.empty() : Optional.of(Service.failure(info));
          events.send("done", done(info.state(), info.progress(), failure));
          return;
        }
        if (System.nanoTime() - quietSince >= heartbeat.toNanos()) {
          events.comment("keep-alive");
          quietSince = System.nanoTime();
        }
        info = f.next(heartbeat);
      }
    } catch (InterruptedException e) {
      // the client hung up, or the server is closing: the request goes on where it runs
    }
  }

  /** {@code {"state", "progress", "error"}} of the final {@code done} event. */
  private static String done(RequestState state, Optional<ProgressUpdate> progress,
      Optional<Service.Outcome.Failure> failure) {
    return Json.object()
        .str("state", state.name())
        .raw("progress", Views.progress(progress))
        .raw("error", failure.map(Service.Outcome.Failure::json).orElse(null))
        .end();
  }

  private ApiException notRunningHere(RequestInfo info) {
    String app = info.application();
    String why = service.applications().find(app).isPresent()
        ? "its application " + app + " is hosted here but the request was not resumed; restart the server to resume it"
        : "its application " + app + " is not hosted here; start a server that hosts " + app + " to resume it";
    return ApiException.conflict("not_running", "request " + info.id() + " is recorded as running but does not run in "
        + "this server: " + why);
  }

  // DELETE /v1/requests/{id}
  private void cancel(Call call) throws IOException {
    call.query(Set.of());
    String id = call.pathParam("id");
    Optional<Request<?>> live = service.runtime().running(id);
    if (live.isPresent()) {
      Request<?> request = live.get();
      if (!request.done() && request.cancel()) {
        call.json(200, Json.object().str("request_id", id).str("state", RequestState.CANCELLED.name()).end());
        return;
      }
      throw alreadyFinished(id, request.state());
    }
    RequestInfo info = service.info(id);
    if (info.state().finished()) {
      throw alreadyFinished(id, info.state());
    }
    // Another node of a fleet may run it: ask that node through the journal, then wait a little
    // for the record to say it was cancelled.
    if (!service.journal().requestCancel(id)) {
      throw notRunningHere(info);
    }
    Optional<RequestInfo> end = Optional.empty();
    Optional<RecordFollower> follower = RecordFollower.of(service.journal(), id);
    if (follower.isPresent()) {
      try (RecordFollower f = follower.get()) {
        end = f.awaitFinished(REMOTE_CANCEL_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (end.isEmpty()) {
      call.json(202, Json.object().str("request_id", id).str("state", RequestState.RUNNING.name())
          .bool("cancel_requested", true).end());
    } else if (end.get().state() == RequestState.CANCELLED) {
      call.json(200, Json.object().str("request_id", id).str("state", RequestState.CANCELLED.name()).end());
    } else {
      throw alreadyFinished(id, end.get().state());
    }
  }

  private static ApiException alreadyFinished(String id, RequestState state) {
    return ApiException.conflict("already_finished", "request " + id + " has already finished (" + state
        + "); there is nothing to cancel");
  }

  // ---- header and parameter checks

  private static boolean isJson(String contentType) {
    String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json");
  }

  private static String checkKey(String key) {
    if (key.isEmpty() || key.length() > 64 || !key.chars().allMatch(c -> c > 32 && c < 127)) {
      throw ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1..64 visible ASCII characters "
          + "(no spaces), was " + key.length() + " characters; a UUID works");
    }
    return key;
  }

  private static boolean flag(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.isEmpty() || v.equalsIgnoreCase("true")) {
      return true;
    }
    throw ApiException.badRequest("invalid_parameter", name + " must be true or false, was '" + v + "'");
  }
}

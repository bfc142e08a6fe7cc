package dev.weft.server;

import dev.weft.Applications;
import dev.weft.IdempotencyKeyReusedException;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.UsageException;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.RequestInfo;
import dev.weft.transport.JsonCodec;
import dev.weft.transport.TransportException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * What the routes share: the runtime they submit to, the journal they read, the applications and
 * the codec, and the rules that join them (duplicates, outcomes, error messages). Thread-safe.
 */
final class Service {
  private final WeftRuntime runtime;
  private final Journal journal;
  private final Applications applications;
  private final JsonCodec codec = JsonCodec.standard();
  private final long maxBodyBytes;
  /** How long a client is asked to wait before trying again while the journal is unavailable. */
  static final String RETRY_AFTER_SECONDS = "5";
  private static final System.Logger LOG = System.getLogger("dev.weft.server");

  private final AtomicInteger openWatches = new AtomicInteger();
  /**
   * Serialises submits per idempotency key (striped), so a duplicate is told apart exactly:
   * {@code submit} does not say whether a keyed request was new, so the journal is asked first.
   */
  private final ReentrantLock[] keyLocks = new ReentrantLock[64];

  Service(WeftRuntime runtime, Journal journal, Applications applications, long maxBodyBytes) {
    this.runtime = runtime;
    this.journal = journal;
    this.applications = applications;
    this.maxBodyBytes = maxBodyBytes;
    for (int i = 0; i < keyLocks.length; i++) {
      keyLocks[i] = new ReentrantLock();
    }
  }

  WeftRuntime runtime() {
    return runtime;
  }

  Journal journal() {
    return journal;
  }

  Applications applications() {
    return applications;
  }

  long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Starts following {@code request} for an event stream; counted until the watch is closed. */
  RequestWatch watch(Request<?> request) {
    openWatches.incrementAndGet();
    try {
      return new RequestWatch(request, openWatches::decrementAndGet);
    } catch (RuntimeException | Error e) {
      openWatches.decrementAndGet();
      throw e;
    }
  }

  /** How many event streams follow a request now. */
  int openWatches() {
    return openWatches.get();
  }

  /** @throws ApiException 404 {@code unknown_application}, naming the hosted ones */
  Applications.Entry application(String name) {
    return applications.find(name).orElseThrow(() -> ApiException.notFound("unknown_application",
        "no application named '" + name + "'; this server hosts: " + hostedNames()));
  }

  private String hostedNames() {
    String names = applications.all().stream().map(Applications.Entry::name).collect(Collectors.joining(", "));
    return names.isEmpty() ? "(none)" : names;
  }

  /** @throws ApiException 404 {@code unknown_request} */
  RequestInfo info(String id) {
    return journal.info(id).orElseThrow(() -> unknownRequest(id));
  }

  static ApiException unknownRequest(String id) {
    return ApiException.notFound("unknown_request", "no request with id '" + id
        + "'; list the known ones with GET /v1/requests");
  }

  /**
   * Reads a body as the application's input.
   *
   * @throws ApiException 400 {@code invalid_input} with the JSON path of the problem
   */
  Object decodeInput(Applications.Entry app, byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("invalid_input", "the body is empty; send the input of " + app.name() + " as JSON ("
          + app.inputType().getTypeName() + ")");
    }
    try {
      return codec.decode(body, app.inputType());
    } catch (TransportException e) {
      throw ApiException.badRequest("invalid_input", "the input of " + app.name() + " is not valid: " + e.getMessage());
    } catch (UsageException e) {
      LOG.log(System.Logger.Level.ERROR, "the input type of " + app.name() + " cannot be read from JSON", e);
      throw new ApiException(500, "application_not_servable", "the input type of " + app.name()
          + " cannot be read from JSON; its author must change it (the server's log says why)");
    }
  }

  /** The application's output as JSON. */
  String encodeOutput(String application, Object value) {
    Type type = applications.find(application).map(Applications.Entry::outputType).orElse(Object.class);
    try {
      return codec.encode(value, type);
    } catch (UsageException e) {
      LOG.log(System.Logger.Level.ERROR, "the output of " + application + " cannot be written as JSON", e);
      throw new ApiException(500, "output_not_encodable", "the output of " + application
          + " cannot be written as JSON; its author must change its type (the server's log says why)");
    }
  }

  /** A recorded request's output, read with its application's output type. */
  String recordedOutput(RequestInfo info) {
    Type type = applications.find(info.application()).map(Applications.Entry::outputType).orElse(Object.class);
    return encodeOutput(info.application(), journal.output(info.id(), type).orElse(null));
  }

  /** A recorded request's input as JSON, read with its application's input type ({@code null} if none is kept). */
  String recordedInput(RequestInfo info) {
    Type type = applications.find(info.application()).map(Applications.Entry::inputType).orElse(Object.class);
    // it was written as JSON with this type when the request was recorded, so it is written again
    return codec.encode(journal.input(info.id(), type).orElse(null), type);
  }

  /** A submitted request and whether it existed already under its idempotency key. */
  record Submitted(Request<?> request, boolean duplicate) {}

  /**
   * Submits {@code input}; with a key, returns the request already made with it instead of
   * running a second one. Returns after the journal recorded the request.
   *
   * @throws ApiException 409 {@code idempotency_key_reused} if the key names a request of
   *     another application or another input; 503 {@code journal_unavailable} if the journal
   *     cannot record now
   */
  Submitted submit(Applications.Entry app, Object input, Optional<String> key) {
    try {
      if (key.isEmpty()) {
        return new Submitted(runtime.submit(app.handle(), input), false);
      }
      String k = key.get();
      ReentrantLock lock = keyLocks[Math.floorMod(k.hashCode(), keyLocks.length)];
      lock.lock();
      try {
        // The engine's request id is the key; the journal knows it if the key was used before.
        Optional<RequestInfo> before = journal.info(k);
        // Checked here too for journals that do not compare applications themselves.
        if (before.isPresent() && !before.get().application().equals(app.name())) {
          throw keyReused(k, "a request of " + before.get().application() + ", not " + app.name());
        }
        return new Submitted(runtime.submit(app.handle(), input, k), before.isPresent());
      } finally {
        lock.unlock();
      }
    } catch (IdempotencyKeyReusedException e) {
      throw keyReused(e.key(), e.firstApplication().equals(app.name()) ? "another input" : "a request of "
          + e.firstApplication() + ", not " + app.name());
    } catch (JournalUnavailableException e) {
      LOG.log(System.Logger.Level.WARNING, "refused a request of " + app.name() + ": the journal is unavailable", e);
      throw new ApiException(503, "journal_unavailable", "the server cannot record new requests right now; "
          + "nothing was accepted, try again in a few seconds", Map.of("Retry-After", RETRY_AFTER_SECONDS));
    } catch (UsageException e) {
      LOG.log(System.Logger.Level.ERROR, "the journal refused a request of " + app.name(), e);
      throw new ApiException(500, "not_recorded", "the request was not accepted (the server's log says why)");
    }
  }

  private static ApiException keyReused(String key, String what) {
    return ApiException.conflict("idempotency_key_reused", "Idempotency-Key '" + key + "' was already used for "
        + what + "; use a new key for a new request");
  }

  /** How a finished request ended: its output JSON, or a failure to report. */
  sealed interface Outcome {
    record Output(String json) implements Outcome {}

    record Failure(String code, String message) implements Outcome {
      String json() {
        return Views.error(code, message);
      }
    }
  }

  /** The outcome of a request that is done. */
  Outcome outcome(Request<?> request) {
    RequestState state = request.state();
    if (state == RequestState.SUCCEEDED) {
      return new Outcome.Output(encodeOutput(request.application(), request.result()));
    }
    RuntimeException thrown = null;
    try {
      request.result();
    } catch (RuntimeException e) {
      thrown = e;
    }
    // The journal has the failure as it was thrown (result() wraps checked ones); it may lag the
    // live request by a moment, in which case the thrown exception says the same.
    Optional<RequestInfo> info = journal.info(request.id())
        .filter(i -> i.state() == RequestState.FAILED || i.state() == RequestState.CANCELLED);
    if (info.isPresent()) {
      return failure(info.get());
    }
    String message = thrown == null ? "request " + request.id() + " failed" : describe(thrown);
    return state == RequestState.CANCELLED ? cancelled(request.id()) : new Outcome.Failure("request_failed", message);
  }

  /** The outcome of a failed or cancelled recorded request. */
  static Outcome.Failure failure(RequestInfo info) {
    if (info.state() == RequestState.CANCELLED) {
      return cancelled(info.id());
    }
    return new Outcome.Failure("request_failed", errorText(info));
  }

  /**
   * The journal's error message, which names the function, attempt, exception type and causes;
   * an empty one (from journals written before that) is replaced by the exception's type, so an
   * empty message never reaches the client.
   */
  static String errorText(RequestInfo info) {
    String type = info.errorType().orElse("");
    String message = info.errorMessage().filter(m -> !m.isBlank()).orElse("");
    if (message.isEmpty()) {
      return (type.isEmpty() ? "unknown failure" : type) + " (no message)";
    }
    return message;
  }

  /** A thrown failure as {@code type: message} (or {@code type (no message)}) with its causes. */
  private static String describe(Throwable thrown) {
    StringBuilder text = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
      text.append(text.isEmpty() ? "" : "; caused by ").append(t.getClass().getName())
          .append(t.getMessage() == null || t.getMessage().isBlank() ? " (no message)" : ": " + t.getMessage());
    }
    return text.toString();
  }

  private static Outcome.Failure cancelled(String id) {
    return new Outcome.Failure("request_cancelled", "request " + id + " was cancelled");
  }
}

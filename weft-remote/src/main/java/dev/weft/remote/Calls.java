package dev.weft.remote;

import dev.weft.FunctionException;
import dev.weft.FunctionTimeoutException;
import dev.weft.UsageException;
import dev.weft.engine.FunctionInfo;
import dev.weft.remote.wire.Http;
import dev.weft.remote.wire.Wire;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.RemoteException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Making remote calls. Each call runs on its own virtual thread: it sends the call to a
 * replica, passes streamed log lines on, and reads the outcome. It sends again when that is
 * safe (the request never reached a worker: the replica is restarted first; or the reply was
 * lost but the worker that got the call still serves the replica: the same call id is sent
 * again, which a worker runs at most once) or allowed (the function's retry policy, for a worker
 * lost mid-call or a retryable failure). A timer fails the call with {@link
 * FunctionTimeoutException} shortly after its deadline if the worker's own timeout report has not
 * come by then; a call that times out or is cancelled is cancelled on the worker too.
 *
 * <p>Thread-safe: a call's state is its own; it is shared only with the threads that cancel or
 * time it out, through volatile fields and {@link CompletableFuture}'s own guarantees.
 */
final class Calls {
  /** How long past its deadline a call waits for the worker's own timeout report before giving up on it. */
  static final Duration GRACE = Duration.ofMillis(500);
  /**
   * How many times one attempt is sent again, under its call id, to a worker that lost its reply
   * but still serves the replica. Such resends are free (no retry used, no backoff) because the
   * worker does not run the call again; the cap ends a path that loses every reply.
   */
  static final int MAX_RESENDS = 3;
  private static final ScheduledExecutorService TIMER = timer();

  private Calls() {}

  /**
   * Starts a call and returns its future. The arguments are encoded here, so ones that cannot
   * travel fail on the caller's thread with a {@link UsageException}.
   */
  static <R> CompletableFuture<R> start(Service service, CallTarget target, CallOptions options, Object[] args) {
    String body = Wire.CODEC.encodeArgs(args, target.params());
    Duration timeout = options.timeoutFor(target);
    Consumer<String> logs = options.logs().orElse(service.streamedLogs);
    RemoteCall<R> call = new RemoteCall<>(service, target, timeout, logs, body);
    call.begin();
    return call;
  }

  /** Waits for a call as a blocking caller expects: its value, or its failure thrown as Weft throws it. */
  @SuppressWarnings("unchecked")
  static <R> R await(CompletableFuture<R> call, String function) {
    try {
      return (R) awaitAsIs(call);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for remote call " + function);
    } catch (Exception e) {
      throw rethrow(e, function);
    }
  }

  /**
   * Waits for a call as a Weft engine's call body does: its value, or its failure thrown as it is
   * (checked ones included: the engine wraps them as it does for local calls). An interrupt (the
   * engine's timeout or cancellation) cancels the call, on the worker too.
   */
  static Object awaitAsIs(CompletableFuture<?> call) throws Exception {
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (t instanceof Exception x) {
        throw x;
      }
      throw (Error) t;
    }
  }

  /** Unchecked as is; a checked exception wrapped in {@link FunctionException}, as local calls do. */
  static RuntimeException rethrow(Throwable t, String function) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new FunctionException(function, t);
  }

  /** One call: a future whose cancel reaches the worker. */
  private static final class RemoteCall<R> extends CompletableFuture<R> {
    private final Service service;
    private final CallTarget target;
    private final Duration timeout;
    private final Consumer<String> logs;
    private final byte[] body;
    private final String path;
    private final long deadline;
    /** Headers that carry the calling attempt's context to the worker (for tracing); empty when nothing observes it. */
    private final Map<String, String> context;
    /** The items of a streamed result (the function returns a {@code Stream}), else null. */
    private final ItemStream items;
    /** Whether the stream was handed out (its first item came, or its end): from then on nothing is sent again. */
    private boolean streaming;
    private volatile Thread runner;
    private volatile Endpoint endpoint;
    private volatile String callId;
    private ScheduledFuture<?> timer;

    RemoteCall(Service service, CallTarget target, Duration timeout, Consumer<String> logs, String body) {
      this.service = service;
      this.target = target;
      this.timeout = timeout;
      this.logs = logs;
      this.body = body.getBytes(StandardCharsets.UTF_8);
      this.path = Wire.path(target.callable());
      this.deadline = System.nanoTime() + timeout.toNanos();
      Map<String, String> carried = new java.util.HashMap<>(4);
      dev.weft.engine.Frames.injectObservation(carried::put); // on the caller's thread, where its attempt runs
      this.context = carried.isEmpty() ? Map.of() : Map.copyOf(carried);
      this.items = target.items().isPresent() ? new ItemStream(target.display(), this::closeStream) : null;
    }

    /** Completes this call with its stream, once: what {@code call} returns and the consumer iterates. */
    @SuppressWarnings("unchecked")
    private void startStream() {
      if (!streaming) {
        streaming = true;
        complete((R) items.stream());
      }
    }

    void begin() {
      timer = TIMER.schedule(this::expire, timeout.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
      runner = Thread.ofVirtual().name("weft-remote-call").start(this::run);
    }

    private void expire() {
      FunctionTimeoutException late = new FunctionTimeoutException(target.display(), timeout);
      boolean gaveUp = completeExceptionally(late);
      if (items != null) {
        gaveUp |= items.fail(late); // a stream already handed out ends with the timeout
      }
      if (gaveUp) {
        abandon();
      }
    }

    /** The consumer closed the stream: if it had not ended, the call is stopped, on the worker too. */
    private void closeStream() {
      if (items.fail(new CancellationException("the stream of " + target.display() + " was closed before its end"))) {
        abandon();
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        abandon();
      }
      return cancelled;
    }

    /** This side gave up: stop the exchange and tell the worker to stop the call. */
    private void abandon() {
      timer.cancel(false);
      Thread t = runner;
      if (t != null) {
        t.interrupt();
      }
      Endpoint e = endpoint;
      String id = callId;
      if (e != null && id != null) {
        HttpRequest cancel = HttpRequest.newBuilder(e.uri().resolve(Wire.path(id)))
            .header("Authorization", "Bearer " + e.token()).timeout(Duration.ofSeconds(5)).DELETE().build();
        Http.client(e.uri()).sendAsync(cancel, HttpResponse.BodyHandlers.discarding()); // best effort: its own deadline stops it anyway
      }
    }

    private void run() {
      try {
        attempts();
      } catch (Throwable t) {
        completeExceptionally(t);
        if (items != null) {
          items.fail(t);
        }
      } finally {
        timer.cancel(false);
        runner = null;
      }
    }

    private void attempts() throws InterruptedException {
      int attempt = 1;
      while (!isDone()) {
        Endpoint e = service.pick();
        // One id for every send of this attempt: a worker runs an id at most once, so a resend
        // finds the call the first send started, or its outcome, instead of running it again.
        // A new attempt (a retry) gets a new id, since it is meant to run again.
        String id = UUID.randomUUID().toString();
        endpoint = e;
        callId = id;
        String outcome;
        try {
          outcome = send(e, id);
        } catch (ConnectException notReached) {
          // Nothing ran: bring the replica back and send again, however many retries it has.
          recover(e, notReached);
          continue;
        } catch (IOException lost) {
          if (streaming) {
            // Items were handed out: the stream cannot be sent again, and ends here.
            items.fail(new ServiceUnavailableException("the worker running " + target.display() + " (" + service.origin(e)
                + ") stopped answering in the middle of its stream: " + lost.getMessage(), lost));
            return;
          }
          if (isDone()) {
            return;
          }
          Duration delay = target.retryDelay(attempt);
          if (attempt <= target.retries() && timeLeftAfter(delay)) {
            recover(e, lost);
            Thread.sleep(delay);
            attempt++;
            continue;
          }
          throw new ServiceUnavailableException((lost instanceof RepliesLost
                  ? "the replies of the worker running " + target.display() + " (" + service.origin(e) + ") were lost "
                      + (MAX_RESENDS + 1) + " times in a row although it still answers; the call ran there at most once: "
                  : "the worker running " + target.display() + " (" + service.origin(e)
                      + ") stopped answering during the call, which may or may not have run: ")
              + lost.getMessage()
              + (target.retries() == 0
                  ? "; it has no retries: give it @Function(retries = n) if running it again is safe"
                  : "; its " + target.retries() + " retries are used up or its timeout of " + timeout + " is near"), lost);
        }
        if (outcome.startsWith(Wire.VALUE)) {
          if (items != null) {
            startStream(); // an empty stream, if no item came
            items.end();
            return;
          }
          @SuppressWarnings("unchecked")
          R value = Wire.isVoid(target.output()) ? null : (R) Wire.CODEC.decode(outcome.substring(Wire.VALUE.length()), target.output());
          complete(value);
          return;
        }
        Throwable failure = failure(outcome, e);
        if (streaming) {
          items.fail(failure); // after the items before it; never retried, since those were handed out
          return;
        }
        Duration delay = target.retryDelay(attempt);
        if (FunctionInfo.retryable(failure) && !(failure instanceof FunctionTimeoutException)
            && attempt <= target.retries() && timeLeftAfter(delay)) {
          Thread.sleep(delay);
          attempt++;
          continue;
        }
        completeExceptionally(failure);
        return;
      }
    }

    /**
     * Sends one attempt, and sends it again under the same id while its reply is lost (an
     * IOException other than a refused connection) and the worker it went to is still the one
     * serving the replica. The worker got the call and runs it once, so a resend attaches to it
     * or gets its kept outcome. Such losses are a property of the connection, not of the call:
     * a pooled connection the worker closed as it was reused, or the JDK's HTTP/1.1 pool handing
     * a reply to the connection's idle watcher instead of the exchange (JDK-8357639, "Data
     * received while in pool"), which the JDK fixes only in 26.
     *
     * @throws ConnectException if the first send reached no worker: nothing ran
     * @throws IOException if the reply was lost and resending cannot get it: the worker is gone
     *     or was replaced (the call may or may not have run), or the resends are used up ({@link
     *     RepliesLost}), or the call's time is up
     */
    private String send(Endpoint e, String id) throws IOException, InterruptedException {
      for (int resends = 0; ; resends++) {
        try {
          return exchange(e, id);
        } catch (ConnectException refused) {
          if (resends == 0) {
            throw refused;
          }
          // Refused now, but an earlier send reached the worker: the call may have run on it.
          throw new IOException("the worker refused a resend of the call, having got it before: " + refused, refused);
        } catch (IOException lost) {
          // A resend of a stream would get its outcome alone, without the items: not for streams.
          if (items != null || isDone() || !timeLeft() || !stillServing(e)) {
            throw lost;
          }
          if (resends == MAX_RESENDS) {
            throw new RepliesLost(lost);
          }
        }
      }
    }

    /**
     * Whether the worker behind {@code e} is alive and still the one serving its replica:
     * recovering the replica returns the same endpoint (same pid, address and token) rather than
     * another caller's or a fresh worker's. A new process would not know the call id and would run
     * the call again, so a back end that cannot tell its processes apart (pid -1) gets no resends.
     */
    private boolean stillServing(Endpoint e) {
      if (e.pid() < 0) {
        return false;
      }
      try {
        return service.recover(e).equals(e);
      } catch (DeploymentException gone) {
        return false; // the retry policy decides, and reports why the replica cannot be had
      }
    }

    private boolean timeLeft() {
      return System.nanoTime() < deadline;
    }

    /** Whether an attempt after waiting {@code delay} would still start before the deadline. */
    private boolean timeLeftAfter(Duration delay) {
      return System.nanoTime() + delay.toNanos() < deadline;
    }

    private void recover(Endpoint e, IOException why) {
      if (!timeLeft()) {
        throw new ServiceUnavailableException("could not reach " + service.origin(e) + " to call " + target.display()
            + " within its timeout of " + timeout + ": " + why, why);
      }
      try {
        service.recover(e);
      } catch (DeploymentException d) {
        throw new ServiceUnavailableException("could not reach " + service.origin(e) + " to call " + target.display()
            + " (" + why + "), and could not restart it: " + d.getMessage(), d);
      }
    }

    /** Sends the call and returns its outcome line, passing log lines on as they arrive. */
    private String exchange(Endpoint e, String id) throws IOException, InterruptedException {
      long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      Map<String, String> headers = Map.of(
          "Authorization", "Bearer " + e.token(),
          Wire.CALL_ID, id,
          Wire.TIMEOUT, Long.toString(remainingMs),
          Wire.LOGS, logs != null ? "1" : "0",
          "Content-Type", "application/json");
      if (!context.isEmpty()) {
        Map<String, String> all = new java.util.HashMap<>(context);
        all.putAll(headers);
        headers = all;
      }
      try (WorkerHttp.Reply reply = WorkerHttp.SHARED.post(e.uri(), path, headers, body)) {
        if (reply.status() != 200) {
          throw rejected(reply.status(), reply.readAll());
        }
        String line;
        while ((line = reply.readLine()) != null) {
          if (line.equals(Wire.PING)) {
            continue;
          }
          if (items != null && line.startsWith(Wire.ITEM)) {
            Object item = Wire.CODEC.decode(line.substring(Wire.ITEM.length()), target.items().get());
            startStream();
            items.add(item); // waits while the consumer is behind: back-pressure
            continue;
          }
          if (!line.startsWith(Wire.LOG)) {
            reply.drain(); // the outcome is the last line; reading to the end keeps the connection
            return line;
          }
          if (logs != null) {
            logs.accept((String) Wire.CODEC.decode(line.substring(Wire.LOG.length()), String.class));
          }
        }
      }
      throw new IOException("the worker closed the connection before the call's outcome");
    }

    private UsageException rejected(int status, String text) {
      String message;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Wire.CODEC.decode(text, Map.class);
        message = String.valueOf(json.get("message"));
      } catch (RuntimeException notJson) {
        message = text;
      }
      return new UsageException(service.origin(endpoint) + " refused the call to " + target.display() + " (HTTP "
          + status + "): " + message);
    }

    private Throwable failure(String outcome, Endpoint e) {
      ErrorPayload payload = (ErrorPayload) Wire.CODEC.decode(outcome.substring(Wire.ERROR.length()), ErrorPayload.class);
      Throwable t = payload.toThrowable(target.loader(), service.origin(e));
      if (t instanceof RemoteException r && r.remoteType().equals(FunctionTimeoutException.class.getName())) {
        FunctionTimeoutException timedOut = new FunctionTimeoutException(target.display(), timeout);
        timedOut.setStackTrace(r.getStackTrace());
        return timedOut;
      }
      return t;
    }
  }

  /** The replies of a live worker to one call id were lost every time it was sent. */
  private static final class RepliesLost extends IOException {
    private static final long serialVersionUID = 1L;

    RepliesLost(IOException last) {
      super("the last: " + last, last);
    }
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("weft-remote-timer").daemon(true).unstarted(r));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}

package dev.weft.remote;

import dev.weft.FunctionException;
import dev.weft.FunctionTimeoutException;
import dev.weft.UsageException;
import dev.weft.engine.FunctionInfo;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.RemoteException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * safe (the request never reached a worker: the replica is restarted first) or allowed (the
 * function's retry policy, for a worker lost mid-call or a retryable failure). A timer fails
 * the call with {@link FunctionTimeoutException} shortly after its deadline if the worker's
 * own timeout report has not come by then; a call that times out or is cancelled is cancelled
 * on the worker too.
 */
final class Calls {
  /** How long past its deadline a call waits for the worker's own timeout report before giving up on it. */
  private static final Duration GRACE = Duration.ofMillis(500);
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
  static <R> R await(CompletableFuture<R> call, String function) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for remote call " + function);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause(), function);
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
    private final String body;
    private final long deadline;
    private volatile Thread runner;
    private volatile Endpoint endpoint;
    private volatile String callId;
    private ScheduledFuture<?> timer;

    RemoteCall(Service service, CallTarget target, Duration timeout, Consumer<String> logs, String body) {
      this.service = service;
      this.target = target;
      this.timeout = timeout;
      this.logs = logs;
      this.body = body;
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    void begin() {
      timer = TIMER.schedule(this::expire, timeout.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
      runner = Thread.ofVirtual().name("weft-remote-call").start(this::run);
    }

    private void expire() {
      if (completeExceptionally(new FunctionTimeoutException(target.display(), timeout))) {
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
        Http.CLIENT.sendAsync(cancel, HttpResponse.BodyHandlers.discarding()); // best effort: its own deadline stops it anyway
      }
    }

    private void run() {
      try {
        attempts();
      } catch (Throwable t) {
        completeExceptionally(t);
      } finally {
        timer.cancel(false);
        runner = null;
      }
    }

    private void attempts() throws InterruptedException {
      int attempt = 1;
      while (!isDone()) {
        Endpoint e = service.pick();
        String id = UUID.randomUUID().toString();
        endpoint = e;
        callId = id;
        String outcome;
        try {
          outcome = exchange(e, id);
        } catch (ConnectException notReached) {
          // Nothing ran: bring the replica back and send again, however many retries it has.
          recover(e, notReached);
          continue;
        } catch (IOException lost) {
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
          throw new ServiceUnavailableException("the worker running " + target.display() + " (" + service.origin(e)
              + ") stopped answering during the call, which may or may not have run: " + lost.getMessage()
              + (target.retries() == 0
                  ? "; it has no retries: give it @Function(retries = n) if running it again is safe"
                  : "; its " + target.retries() + " retries are used up or its timeout of " + timeout + " is near"), lost);
        }
        if (outcome.startsWith(Wire.VALUE)) {
          @SuppressWarnings("unchecked")
          R value = Wire.isVoid(target.output()) ? null : (R) Wire.CODEC.decode(outcome.substring(Wire.VALUE.length()), target.output());
          complete(value);
          return;
        }
        Throwable failure = failure(outcome, e);
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
      HttpRequest request = HttpRequest.newBuilder(e.uri().resolve(Wire.path(target.callable())))
          .header("Authorization", "Bearer " + e.token())
          .header(Wire.CALL_ID, id)
          .header(Wire.TIMEOUT, Long.toString(remainingMs))
          .header(Wire.LOGS, logs != null ? "1" : "0")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<InputStream> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        if (response.statusCode() != 200) {
          throw rejected(response.statusCode(), in);
        }
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.startsWith(Wire.LOG)) {
            // Read to the end before closing: the outcome is the last line, and closing a JDK
            // response stream short of its end closes the connection, which the client may by then
            // have handed back to its pool and to another call (seen with 64 concurrent callers).
            in.skip(Long.MAX_VALUE);
            return line;
          }
          if (logs != null) {
            logs.accept((String) Wire.CODEC.decode(line.substring(Wire.LOG.length()), String.class));
          }
        }
      }
      throw new IOException("the worker closed the connection before the call's outcome");
    }

    private UsageException rejected(int status, BufferedReader in) throws IOException {
      String text = in.lines().reduce("", String::concat);
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

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("weft-remote-timer").daemon(true).unstarted(r));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}

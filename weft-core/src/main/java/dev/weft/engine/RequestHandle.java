package dev.weft.engine;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Subscription;
import dev.weft.WaitTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The engine's {@link Request}: a view of a {@link RequestRun} and its root call. */
final class RequestHandle<R> implements Request<R> {
  private final RequestRun run;
  private final CallFuture<R> root;

  /** Completes like {@link #root}, once the journal has recorded how the request ended. */
  private final CompletableFuture<R> outcome = new CompletableFuture<>();

  RequestHandle(RequestRun run, CallFuture<R> root) {
    this.run = run;
    this.root = root;
  }

  /** Set once the run was abandoned: the request goes on elsewhere, this handle no longer follows it. */
  private volatile boolean abandoned;

  boolean abandoned() {
    return abandoned;
  }

  /**
   * Gives the request up here: waiters get {@code reason} at once, then the run's calls are
   * cancelled; the engine records no end for it (the request is not over, it runs elsewhere).
   * False if it had already finished here, or was already abandoned.
   */
  synchronized boolean abandon(RuntimeException reason) {
    if (abandoned) {
      return false; // already given up: a second reason changes nothing
    }
    abandoned = true;
    if (!outcome.completeExceptionally(reason)) {
      abandoned = false; // it had finished here first: that outcome stands
      return false;
    }
    root.cancel();
    return true;
  }

  /** Completes once the request ended here and the journal has its end, or it was abandoned. */
  CompletableFuture<R> outcome() {
    return outcome;
  }

  void finished(R value, Throwable failure) {
    if (failure == null) {
      outcome.complete(value);
    } else {
      outcome.completeExceptionally(failure);
    }
  }

  private R await(long nanos) {
    try {
      if (!run.engine().awaitDone(outcome, nanos < 0 ? Long.MAX_VALUE : nanos)) {
        throw new WaitTimeoutException(Duration.ofNanos(nanos));
      }
      return outcome.get();
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause(), run.application());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for request " + run.id());
    }
  }

  @Override
  public String id() {
    return run.id();
  }

  @Override
  public String application() {
    return run.application();
  }

  @Override
  public R result() {
    return await(-1);
  }

  @Override
  public R result(Duration timeout) {
    return await(timeout.toNanos());
  }

  @Override
  public boolean done() {
    return outcome.isDone() && !abandoned;
  }

  @Override
  public RequestState state() {
    if (!outcome.isDone() || abandoned) {
      return RequestState.RUNNING;
    }
    if (root.result.isCancelled()) {
      return RequestState.CANCELLED;
    }
    return root.result.isCompletedExceptionally() ? RequestState.FAILED : RequestState.SUCCEEDED;
  }

  @Override
  public boolean cancel() {
    return root.cancel();
  }

  @Override
  public Optional<ProgressUpdate> progress() {
    return run.latestProgress();
  }

  @Override
  public Subscription onProgress(Consumer<ProgressUpdate> listener) {
    return run.onProgress(listener);
  }

  @Override
  public Map<String, Long> counters() {
    return run.counters();
  }

  @Override
  public Map<String, Duration> timers() {
    return run.timers();
  }

  @Override
  public String toString() {
    return "Request[" + run.id() + ", " + run.application() + "]";
  }
}

package dev.weft.engine;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The engine's {@link Request}: a view of a {@link RequestRun} and its root call. */
final class RequestHandle<R> implements Request<R> {
  private final RequestRun run;
  private final CallFuture<R> root;

  RequestHandle(RequestRun run, CallFuture<R> root) {
    this.run = run;
    this.root = root;
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
    return root.result();
  }

  @Override
  public R result(Duration timeout) {
    return root.result(timeout);
  }

  @Override
  public boolean done() {
    return root.done();
  }

  @Override
  public RequestState state() {
    if (!root.done()) {
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
  public void onProgress(Consumer<ProgressUpdate> listener) {
    run.onProgress(listener);
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

package dev.weft.engine;

import dev.weft.RequestContext;
import dev.weft.journal.DurableId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The context of one running attempt of a call (or of a request's root): which request, the
 * call's durable id, a counter that gives the futures it makes their positions, and the
 * futures it started that are still running (so cancelling the call cancels them). What
 * {@link RequestContext#current()} returns. Thread-safe.
 */
final class Frame implements RequestContext {
  final RequestRun run;
  /** Null when the request is not journaled (calls outside any request). */
  final DurableId id;
  /** The attempt this frame runs, or null for a root frame. */
  final CallFuture.Attempt attempt;
  private final AtomicLong nextChild = new AtomicLong();
  /** Null for the local root, which must not keep every detached future alive. */
  private final Set<AbstractFuture<?>> running;

  Frame(RequestRun run, DurableId id, CallFuture.Attempt attempt, boolean tracksChildren) {
    this.run = run;
    this.id = id;
    this.attempt = attempt;
    this.running = tracksChildren ? ConcurrentHashMap.newKeySet() : null;
  }

  boolean isLocalRoot() {
    return run.isLocal() && attempt == null;
  }

  /** The durable id of the next future made here, or null if the request is not journaled. */
  DurableId nextChildId(char kind, String function) {
    long index = nextChild.getAndIncrement();
    return id == null ? null : id.child(index, kind, function);
  }

  void childStarted(AbstractFuture<?> f) {
    if (running != null) {
      running.add(f);
    }
  }

  void childDone(AbstractFuture<?> f) {
    if (running != null) {
      running.remove(f);
    }
  }

  void cancelChildren() {
    if (running != null) {
      for (AbstractFuture<?> f : running) {
        f.cancel();
      }
    }
  }

  @Override
  public String requestId() {
    return run.id();
  }

  @Override
  public String application() {
    return run.application();
  }

  @Override
  public State state() {
    return run.state();
  }

  @Override
  public Progress progress() {
    return (current, total, message) -> {
      run.progress(current, total, message);
      if (attempt != null) {
        attempt.touch();
      }
    };
  }

  @Override
  public Metrics metrics() {
    return run.metrics();
  }
}

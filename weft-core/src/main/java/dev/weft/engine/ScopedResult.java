package dev.weft.engine;

import dev.weft.DelayedResult;
import dev.weft.WaitTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A fork of a {@link ScopeImpl}: how to start and cancel the work, the future it completes, and
 * whether anyone awaited it. Completion is reported to the scope exactly once.
 */
final class ScopedResult<T> extends FrameStage<T> implements DelayedResult<T> {
  /**
   * Starts the work, which completes {@code result} with its outcome and {@code ended} once it
   * has really stopped (its thread has returned); returns how to cancel it.
   */
  interface Work<T> {
    Runnable start(CompletableFuture<T> result, CompletableFuture<Void> ended) throws Exception;
  }

  final CompletableFuture<T> result = new CompletableFuture<>();
  /** Completes when the work has stopped; the scope counts a fork as unfinished until then. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final ScopeImpl scope;
  /** What was forked, described only when a message needs it (building it per fork is costly). */
  private final java.util.function.Supplier<String> description;
  /** The stack at the fork, kept only when the scope needs it (ExitMode.RAISE). */
  final Throwable forkSite;
  private final Work<T> work;
  private volatile boolean awaited;
  /** Written under {@code this}, read without it (the completion path must not wait on the starter). */
  private volatile boolean started;
  /** Whether the scope gave it one of its running slots; guarded by the scope's lock. */
  boolean slotted;
  /** Guarded by {@code this}. */
  private Runnable canceller;

  ScopedResult(ScopeImpl scope, java.util.function.Supplier<String> description, Throwable forkSite, Work<T> work) {
    this.scope = scope;
    this.description = description;
    this.forkSite = forkSite;
    this.work = work;
    ended.whenComplete((x, y) -> scope.childDone(this, result.handle((v, e) -> e == null ? null : Failures.unwrap(e))
        .getNow(null)));
  }

  String description() {
    return description.get();
  }

  boolean wasStarted() {
    return started;
  }

  /** Starts the work (called once by the scope, on the thread that lets it start). */
  void start() {
    Runnable cancel;
    synchronized (this) {
      if (result.isDone()) {
        return; // cancelled while queued: cancel() ended it
      }
      started = true;
      try {
        cancel = work.start(result, ended);
      } catch (Throwable t) {
        result.completeExceptionally(t);
        ended.complete(null);
        return;
      }
      canceller = cancel;
    }
  }

  /** Cancels it; returns whether this call did. */
  boolean cancel() {
    boolean cancelled = result.completeExceptionally(new CancellationException(description() + " was cancelled by its scope"));
    if (cancelled) {
      Runnable c;
      boolean wasStarted;
      synchronized (this) {
        c = canceller;
        wasStarted = started;
      }
      if (!wasStarted) {
        ended.complete(null); // never started: nothing to wait for
      } else if (c != null) {
        c.run();
      }
    }
    return cancelled;
  }

  @Override
  CompletableFuture<T> stage() {
    awaited = true;
    return result;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    return stage().copy();
  }

  @Override
  public T value() {
    if (!result.isDone()) {
      throw new IllegalStateException(description() + " is not yet available; block() waits for it");
    }
    if (result.isCancelled()) {
      throw new CancellationException(description() + " was cancelled");
    }
    awaited = true;
    try {
      return result.getNow(null);
    } catch (CompletionException e) {
      Throwable cause = Failures.unwrap(e);
      throw new CompletionException(description() + " failed: " + cause, cause);
    }
  }

  @Override
  public T block() {
    try {
      scope.engine().awaitDone(result, Long.MAX_VALUE);
      T value = result.get();
      awaited = true;
      return value;
    } catch (ExecutionException e) {
      awaited = true; // the failure is delivered here
      throw Failures.rethrow(e.getCause(), description());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for " + description());
    }
  }

  @Override
  public T block(Duration timeout) {
    try {
      if (!scope.engine().awaitDone(result, timeout.toNanos())) {
        throw new WaitTimeoutException(timeout);
      }
      T value = result.get();
      awaited = true;
      return value;
    } catch (ExecutionException e) {
      awaited = true; // the failure is delivered here
      throw Failures.rethrow(e.getCause(), description());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for " + description());
    }
  }

  @Override
  public State state() {
    if (!result.isDone()) {
      return State.PENDING;
    }
    if (result.isCancelled()) {
      return State.CANCELLED;
    }
    return result.isCompletedExceptionally() ? State.FAILED : State.SUCCEEDED;
  }

  @Override
  public boolean awaited() {
    return awaited;
  }

  @Override
  public String toString() {
    return "DelayedResult[" + description() + ", " + state() + "]";
  }
}

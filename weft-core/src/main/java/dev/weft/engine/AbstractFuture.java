package dev.weft.engine;

import dev.weft.Future;
import dev.weft.UsageException;
import dev.weft.WaitTimeoutException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What every Weft future shares: start-once laziness, completion through {@link #complete},
 * {@link #fail} or {@link #cancel} only, failure unwrapping, and the {@link CompletionStage}
 * view, whose every method starts the future and runs its action in the registering frame.
 */
abstract class AbstractFuture<T> extends FrameStage<T> implements Future<T> {
  private static final VarHandle STARTED;
  private static final VarHandle SETTLED;

  static {
    try {
      STARTED = MethodHandles.lookup().findVarHandle(AbstractFuture.class, "started", boolean.class);
      SETTLED = MethodHandles.lookup().findVarHandle(AbstractFuture.class, "settledFuture", CompletableFuture.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final CompletableFuture<T> result = new CompletableFuture<>();
  /** Made on demand by {@link #settled()}: most futures are never asked. */
  private volatile CompletableFuture<Void> settledFuture;
  private volatile boolean isSettled;
  /** The frame this future was made in: its request, and where it registers as running. */
  final Frame parent;
  @SuppressWarnings("unused") // through STARTED
  private volatile boolean started;

  AbstractFuture(Frame parent) {
    this.parent = parent;
  }

  /**
   * Completes once this future's work has really stopped: its result is set and no thread of
   * its own still runs (a cancelled sync call's thread has returned, a cancelled map's items have
   * settled). Scopes wait for this, so that no fork outlives its scope.
   */
  final CompletableFuture<Void> settled() {
    CompletableFuture<Void> f = settledFuture;
    if (f == null) {
      CompletableFuture<Void> made = new CompletableFuture<>();
      f = SETTLED.compareAndSet(this, null, made) ? made : settledFuture;
      if (isSettled) {
        f.complete(null); // settled before anyone asked
      }
    }
    return f;
  }

  /** Marks the work stopped (see {@link #settled()}); subclasses call it once. */
  final void markSettled() {
    isSettled = true;
    CompletableFuture<Void> f = settledFuture;
    if (f != null) {
      f.complete(null);
    }
    onSettled();
  }

  /** Called once when the work has stopped. */
  void onSettled() {}

  /** Starts the work; called once, on the starting thread; must not block. */
  abstract void doStart();

  /** Stops running work after this future was cancelled. */
  abstract void onCancel();

  /** For messages: what this future computes. */
  abstract String functionName();

  final boolean tryStart() {
    if (!STARTED.compareAndSet(this, false, true)) {
      return false;
    }
    parent.childStarted(this);
    try {
      doStart();
    } catch (Throwable t) {
      fail(t);
    }
    return true;
  }

  final void startIfNeeded() {
    if (!started) {
      tryStart();
    }
  }

  final boolean complete(T value) {
    boolean done = result.complete(value);
    if (done) {
      parent.childDone(this);
      completed(value, null);
    }
    return done;
  }

  final boolean fail(Throwable failure) {
    Throwable f = Failures.unwrap(failure);
    boolean done = result.completeExceptionally(f);
    if (done) {
      parent.childDone(this);
      completed(null, f);
    }
    return done;
  }

  /** Called once, by the thread that completed this future (in any way, cancel included). */
  void completed(T value, Throwable failure) {}

  /** Completes this future as {@code source} completes. */
  final void completeFrom(AbstractFuture<? extends T> source) {
    source.result.whenComplete((v, e) -> {
      if (e == null) {
        complete(v);
      } else {
        fail(e);
      }
    });
  }

  @Override
  public final Future<T> run() {
    if (!tryStart()) {
      throw new UsageException("this future of " + functionName() + " has already started; run() starts a "
          + "future once: observe it with result() or the CompletionStage methods instead");
    }
    return this;
  }

  @Override
  public final T result() {
    startIfNeeded();
    try {
      parent.run.engine().awaitDone(result, Long.MAX_VALUE);
      return result.get();
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause(), functionName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted();
    }
  }

  @Override
  public final T result(Duration timeout) {
    startIfNeeded();
    try {
      if (!parent.run.engine().awaitDone(result, timeout.toNanos())) {
        throw new WaitTimeoutException(timeout);
      }
      return result.get();
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause(), functionName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted();
    }
  }


  private CancellationException interrupted() {
    return new CancellationException("interrupted while waiting for " + functionName());
  }

  @Override
  public final boolean done() {
    return result.isDone();
  }

  @Override
  public final boolean started() {
    return started;
  }

  @Override
  public final Optional<Throwable> exception() {
    if (!result.isCompletedExceptionally()) {
      return Optional.empty();
    }
    return Optional.ofNullable(result.handle((v, e) -> e).getNow(null)).map(Failures::unwrap);
  }

  @Override
  public final boolean cancel() {
    // completeExceptionally, unlike CompletableFuture.cancel, says whether this call did it
    boolean cancelled = result.completeExceptionally(new CancellationException(functionName() + " was cancelled"));
    STARTED.compareAndSet(this, false, true); // an unstarted future never runs once cancelled
    if (cancelled) {
      parent.childDone(this);
      completed(null, result.handle((v, e) -> e).getNow(null));
      onCancel();
    }
    return cancelled;
  }

  @Override
  public String toString() {
    String state = result.isDone() ? (result.isCompletedExceptionally() ? "failed" : "completed")
        : started ? "running" : "unstarted";
    return "Future[" + functionName() + ", " + state + "]";
  }

  @Override
  final CompletableFuture<T> stage() {
    startIfNeeded();
    return result;
  }

  /**
   * Starts this future and returns a new {@code CompletableFuture} that completes with it;
   * cancelling that one cancels this future, completing it otherwise does nothing to this one.
   */
  @Override
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> view = stage().copy();
    view.whenComplete((v, e) -> {
      if (view.isCancelled() && !result.isDone()) {
        cancel();
      }
    });
    return view;
  }
}

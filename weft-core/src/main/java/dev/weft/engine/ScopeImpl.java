package dev.weft.engine;

import dev.weft.AsyncScope;
import dev.weft.DeadlineExceededException;
import dev.weft.DelayedResult;
import dev.weft.ErrorMode;
import dev.weft.ExitMode;
import dev.weft.Future;
import dev.weft.UnawaitedResultException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The engine's {@link AsyncScope}.
 *
 * <p>Overview. Forks are {@link ScopedResult}s; {@code running}, {@code queued} and
 * {@code unfinished} (guarded by {@code lock}) implement the concurrency limit and tell when
 * the scope is finished. Every fork reports its completion once ({@link #childDone}), which
 * records unawaited failures in completion order, applies the error mode and starts queued
 * forks. Closing marks the scope closing, applies the exit mode, and completes
 * {@code finished} when the last fork is done; only then are failures reported.
 */
final class ScopeImpl implements AsyncScope {
  private final ExitMode exitMode;
  private final ErrorMode errorMode;
  private final Optional<Duration> deadline;
  private final int maxConcurrency;
  private final Object lock = new Object();
  private final List<ScopedResult<?>> forks = new ArrayList<>();
  private final ArrayDeque<ScopedResult<?>> queued = new ArrayDeque<>();
  private final List<ScopedResult<?>> failedInOrder = new ArrayList<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final TimerWheel.Timeout deadlineTimer;
  private int running;
  private int unfinished;
  private boolean closing;
  private boolean cancelling;
  /** Whether a thread is starting queued forks (see {@link #childDone}); guarded by {@code lock}. */
  private boolean draining;
  private volatile boolean deadlinePassed;
  /** Set when the call whose function opened this scope was cancelled or timed out. */
  private volatile boolean ownerCancelled;
  /** The frame of the function that opened it, or null outside any function. */
  private final Frame owner;
  /** The engine of the request it was opened in (the shared one outside any function); its clock times the deadline. */
  private final Engine engine;
  private volatile boolean reported;

  ScopeImpl(ExitMode exitMode, ErrorMode errorMode, Optional<Duration> deadline, int maxConcurrency) {
    this.exitMode = exitMode;
    this.errorMode = errorMode;
    this.deadline = deadline;
    this.maxConcurrency = maxConcurrency;
    this.owner = Frames.current();
    this.engine = owner != null ? owner.run.engine() : Engine.shared();
    this.deadlineTimer = deadline.map(d -> engine.timer().schedule(this::onDeadline, d.toNanos())).orElse(null);
    if (owner != null) {
      owner.scopeOpened(this); // last: it may cancel this scope at once
    }
  }

  /** The engine whose clock times this scope's deadline and its forks' timed waits. */
  Engine engine() {
    return engine;
  }

  /**
   * The call that opened this scope was cancelled or timed out: cancel every fork, and make
   * close throw. This is what reaches an async function sitting in {@code close()} on its
   * loop thread, which no interrupt reaches. Idempotent.
   */
  void ownerCancelled() {
    if (!finished.isDone()) {
      ownerCancelled = true;
      cancelAll();
    }
  }

  @Override
  public ExitMode exitMode() {
    return exitMode;
  }

  @Override
  public ErrorMode errorMode() {
    return errorMode;
  }

  @Override
  public <T> DelayedResult<T> fork(Future<T> call) {
    Objects.requireNonNull(call, "call");
    return register(new ScopedResult<T>(this,
        () -> call instanceof AbstractFuture<?> f ? f.functionName() : call.toString(), site(), (result, ended) -> {
      if (call instanceof AbstractFuture<T> f) {
        f.startIfNeeded();
        f.result.whenComplete((v, e) -> complete(result, v, e));
        f.settled().whenComplete((v, e) -> ended.complete(null));
      } else {
        call.whenComplete((v, e) -> {
          complete(result, v, e);
          ended.complete(null);
        });
      }
      return call::cancel;
    }));
  }

  @Override
  public <T> DelayedResult<T> fork(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    Frame frame = Frames.current();
    return register(new ScopedResult<T>(this, () -> "forked " + describe(work), site(), (result, ended) -> {
      Thread thread = Threads.startCall(() -> {
        Frame prev = frame == null ? null : Frames.enter(frame);
        try {
          result.complete(work.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        } finally {
          if (frame != null) {
            Frames.restore(prev);
          }
          ended.complete(null);
        }
      });
      return thread::interrupt;
    }));
  }

  @Override
  public <T> DelayedResult<T> forkAsync(Callable<? extends CompletionStage<T>> work) {
    Objects.requireNonNull(work, "work");
    return register(new ScopedResult<T>(this, () -> "forked " + describe(work), site(), (result, ended) -> {
      CompletionStage<T> stage = work.call();
      if (stage == null) {
        throw new NullPointerException("forkAsync work returned null; return a CompletionStage");
      }
      stage.whenComplete((v, e) -> {
        complete(result, v, e);
        ended.complete(null);
      });
      return () -> {
        try {
          stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
          // a stage that cannot be cancelled runs to its end; the fork is already cancelled
        }
      };
    }));
  }

  private static <T> void complete(CompletableFuture<T> result, T value, Throwable failure) {
    if (failure == null) {
      result.complete(value);
    } else {
      result.completeExceptionally(Failures.unwrap(failure));
    }
  }

  private static String describe(Object work) {
    String name = work.getClass().getName();
    int lambda = name.indexOf("$$Lambda");
    return lambda > 0 ? "lambda in " + name.substring(name.lastIndexOf('.', lambda) + 1, lambda) : name;
  }

  private Throwable site() {
    return exitMode == ExitMode.RAISE ? new Throwable("forked here") : null;
  }

  private <T> DelayedResult<T> register(ScopedResult<T> fork) {
    boolean start = false;
    boolean cancel = false;
    synchronized (lock) {
      if (finished.isDone()) {
        throw new IllegalStateException("this scope has closed; fork before close() returns, or open a new scope");
      }
      forks.add(fork);
      unfinished++;
      if (cancelling) {
        cancel = true;
      } else if (running < maxConcurrency && !draining) {
        running++;
        fork.slotted = true;
        start = true;
      } else {
        queued.add(fork); // a drain in progress starts it, in order
      }
    }
    if (start) {
      fork.start();
    } else if (cancel) {
      fork.cancel();
    }
    return fork;
  }

  /**
   * Called once per fork when its work has ended, in any way. Starting queued forks happens in a
   * loop owned by one thread at a time ({@code draining}): a queued fork that completes at once
   * calls back here, and must not start the next one recursively (a thousand of them would
   * overflow the stack).
   */
  void childDone(ScopedResult<?> fork, Throwable failure) {
    boolean cancelSiblings = false;
    boolean drain;
    synchronized (lock) {
      unfinished--;
      if (fork.slotted) {
        running--;
      } else {
        queued.remove(fork);
      }
      if (failure != null && !(failure instanceof CancellationException)) {
        failedInOrder.add(fork);
        cancelSiblings = errorMode == ErrorMode.CANCEL;
      }
      drain = !draining && !queued.isEmpty();
      if (drain) {
        draining = true;
      }
    }
    if (cancelSiblings) {
      cancelAll();
    }
    if (drain) {
      drainQueue();
    }
    boolean done;
    synchronized (lock) {
      done = closing && unfinished == 0 && !finished.isDone();
    }
    if (done) {
      finish();
    }
  }

  private void drainQueue() {
    while (true) {
      ScopedResult<?> next;
      synchronized (lock) {
        if (cancelling || queued.isEmpty() || running >= maxConcurrency) {
          draining = false;
          return;
        }
        next = queued.poll();
        running++;
        next.slotted = true;
      }
      next.start();
    }
  }

  /** Cancels every unfinished fork, and every later one. */
  void cancelAll() {
    List<ScopedResult<?>> snapshot;
    synchronized (lock) {
      cancelling = true;
      snapshot = new ArrayList<>(forks);
    }
    for (ScopedResult<?> f : snapshot) {
      f.cancel();
    }
  }

  private void onDeadline() {
    if (!finished.isDone()) {
      deadlinePassed = true;
      cancelAll();
    }
  }

  private void finish() {
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    if (owner != null) {
      owner.scopeFinished(this);
    }
    finished.complete(null);
  }

  /** Marks the scope closing and applies the exit mode; idempotent. */
  private void beginClose() {
    List<ScopedResult<?>> toCancel = new ArrayList<>();
    boolean done;
    synchronized (lock) {
      if (closing) {
        return;
      }
      closing = true;
      if (exitMode == ExitMode.CANCEL) {
        cancelling = true;
        toCancel.addAll(forks);
      } else if (exitMode == ExitMode.RAISE) {
        for (ScopedResult<?> f : forks) {
          if (!f.awaited()) {
            toCancel.add(f);
          }
        }
      }
      done = unfinished == 0;
    }
    for (ScopedResult<?> f : toCancel) {
      f.cancel();
    }
    if (done) {
      finish();
    }
  }

  @Override
  public void close() {
    if (reported) {
      return; // closed before: a second close does nothing
    }
    boolean interrupted = Thread.currentThread().isInterrupted();
    if (interrupted) {
      cancelAll();
    }
    beginClose();
    try {
      EventLoop loop = EventLoop.current();
      if (loop != null && !finished.isDone()) {
        loop.runUntil(finished, Long.MAX_VALUE);
      }
      finished.get();
    } catch (InterruptedException e) {
      interrupted = true;
      cancelAll();
      awaitUninterruptibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // finished never fails
    }
    RuntimeException failure = failures();
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw cancelled("the thread closing this scope was interrupted; its forks were cancelled", failure);
    }
    if (ownerCancelled) {
      throw cancelled(ownerCancelledMessage(), failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private String ownerCancelledMessage() {
    return "the call that opened this scope was cancelled or timed out; its forks were cancelled";
  }

  private static CancellationException cancelled(String message, RuntimeException failure) {
    CancellationException cancelled = new CancellationException(message);
    if (failure != null) {
      cancelled.addSuppressed(failure);
    }
    return cancelled;
  }

  private void awaitUninterruptibly() {
    boolean again = true;
    while (again) {
      try {
        finished.get();
        again = false;
      } catch (InterruptedException ignored) {
        // the forks were cancelled; waiting for them to finish is what keeps the scope structured
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    beginClose();
    CompletableFuture<Void> out = finished.thenApply(v -> {
      RuntimeException failure = failures();
      if (ownerCancelled) {
        throw cancelled(ownerCancelledMessage(), failure);
      }
      if (failure != null) {
        throw failure;
      }
      return null;
    });
    out.whenComplete((v, e) -> {
      if (out.isCancelled()) {
        cancelAll();
      }
    });
    return out;
  }

  /**
   * What close throws: the first unawaited failure, the others suppressed on it, then the
   * deadline and unawaited-result errors. Reported once: a second close reports nothing.
   */
  private RuntimeException failures() {
    List<Throwable> all = new ArrayList<>();
    List<String> unawaited = new ArrayList<>();
    List<Throwable> sites = new ArrayList<>();
    synchronized (lock) {
      if (reported) {
        return null;
      }
      reported = true;
      for (ScopedResult<?> f : failedInOrder) {
        if (!f.awaited()) {
          all.add(f.result.handle((v, e) -> Failures.unwrap(e)).getNow(null));
        }
      }
      if (exitMode == ExitMode.RAISE) {
        for (ScopedResult<?> f : forks) {
          if (!f.awaited() && !failedInOrder.contains(f)) {
            unawaited.add(f.description() + " (" + f.state() + ")");
            Throwable site = new Throwable(f.description() + " was forked here and never awaited");
            site.setStackTrace(f.forkSite.getStackTrace());
            sites.add(site);
          }
        }
      }
    }
    if (deadlinePassed) {
      all.add(new DeadlineExceededException(deadline.orElseThrow()));
    }
    if (!unawaited.isEmpty()) {
      all.add(new UnawaitedResultException(unawaited, sites));
    }
    if (all.isEmpty()) {
      return null;
    }
    Throwable primary = all.get(0);
    for (Throwable t : all.subList(1, all.size())) {
      if (t != primary) {
        primary.addSuppressed(t);
      }
    }
    try {
      throw Failures.rethrow(primary, "a fork of this scope");
    } catch (RuntimeException e) {
      return e;
    }
  }
}

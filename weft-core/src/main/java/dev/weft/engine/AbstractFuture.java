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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every Weft future shares: start-once laziness, completion through {@link #complete},
 * {@link #fail} or {@link #cancel} only, failure unwrapping, and the {@link CompletionStage}
 * view, whose every method starts the future and runs its action in the registering frame.
 */
abstract class AbstractFuture<T> implements Future<T> {
  private static final VarHandle STARTED;

  static {
    try {
      STARTED = MethodHandles.lookup().findVarHandle(AbstractFuture.class, "started", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final CompletableFuture<T> result = new CompletableFuture<>();
  /** The frame this future was made in: its request, and where it registers as running. */
  final Frame parent;
  @SuppressWarnings("unused") // through STARTED
  private volatile boolean started;

  AbstractFuture(Frame parent) {
    this.parent = parent;
  }

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
      helpOnLoop(Long.MAX_VALUE);
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
      long deadline = System.nanoTime() + timeout.toNanos();
      helpOnLoop(deadline);
      return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause(), functionName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted();
    } catch (TimeoutException e) {
      throw new WaitTimeoutException(timeout);
    }
  }

  /** On an event-loop thread, waiting must keep running the loop's tasks, or it may wait on itself. */
  private void helpOnLoop(long deadlineNanos) throws InterruptedException {
    EventLoop loop = EventLoop.current();
    if (loop != null && !result.isDone()) {
      loop.runUntil(result, deadlineNanos);
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

  // ---- the CompletionStage view: start, then delegate with the registering frame restored ----

  private CompletableFuture<T> stage() {
    startIfNeeded();
    return result;
  }

  private static <X, Y> Function<X, Y> inFrame(Function<X, Y> fn) {
    Frame f = Frames.current();
    return f == null ? fn : x -> {
      Frame prev = Frames.enter(f);
      try {
        return fn.apply(x);
      } finally {
        Frames.restore(prev);
      }
    };
  }

  private static <X, Y, Z> BiFunction<X, Y, Z> inFrame(BiFunction<X, Y, Z> fn) {
    Frame f = Frames.current();
    return f == null ? fn : (x, y) -> {
      Frame prev = Frames.enter(f);
      try {
        return fn.apply(x, y);
      } finally {
        Frames.restore(prev);
      }
    };
  }

  private static <X> Consumer<X> inFrame(Consumer<X> fn) {
    Function<X, Void> f = inFrame((X x) -> {
      fn.accept(x);
      return null;
    });
    return f::apply;
  }

  private static <X, Y> BiConsumer<X, Y> inFrame(BiConsumer<X, Y> fn) {
    BiFunction<X, Y, Void> f = inFrame((X x, Y y) -> {
      fn.accept(x, y);
      return null;
    });
    return f::apply;
  }

  private static Runnable inFrame(Runnable fn) {
    Function<Void, Void> f = inFrame((Void x) -> {
      fn.run();
      return null;
    });
    return () -> f.apply(null);
  }

  @Override
  public <U> CompletionStage<U> thenApply(Function<? super T, ? extends U> fn) {
    return stage().thenApply(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
    return stage().thenApplyAsync(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
    return stage().thenApplyAsync(inFrame(fn), executor);
  }

  @Override
  public CompletionStage<Void> thenAccept(Consumer<? super T> action) {
    return stage().thenAccept(inFrame(action));
  }

  @Override
  public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action) {
    return stage().thenAcceptAsync(inFrame(action));
  }

  @Override
  public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
    return stage().thenAcceptAsync(inFrame(action), executor);
  }

  @Override
  public CompletionStage<Void> thenRun(Runnable action) {
    return stage().thenRun(inFrame(action));
  }

  @Override
  public CompletionStage<Void> thenRunAsync(Runnable action) {
    return stage().thenRunAsync(inFrame(action));
  }

  @Override
  public CompletionStage<Void> thenRunAsync(Runnable action, Executor executor) {
    return stage().thenRunAsync(inFrame(action), executor);
  }

  @Override
  public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn) {
    return stage().thenCombine(other, inFrame(fn));
  }

  @Override
  public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn) {
    return stage().thenCombineAsync(other, inFrame(fn));
  }

  @Override
  public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn, Executor executor) {
    return stage().thenCombineAsync(other, inFrame(fn), executor);
  }

  @Override
  public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action) {
    return stage().thenAcceptBoth(other, inFrame(action));
  }

  @Override
  public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action) {
    return stage().thenAcceptBothAsync(other, inFrame(action));
  }

  @Override
  public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action, Executor executor) {
    return stage().thenAcceptBothAsync(other, inFrame(action), executor);
  }

  @Override
  public CompletionStage<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return stage().runAfterBoth(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
    return stage().runAfterBothAsync(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
    return stage().runAfterBothAsync(other, inFrame(action), executor);
  }

  @Override
  public <U> CompletionStage<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return stage().applyToEither(other, inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return stage().applyToEitherAsync(other, inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn,
      Executor executor) {
    return stage().applyToEitherAsync(other, inFrame(fn), executor);
  }

  @Override
  public CompletionStage<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
    return stage().acceptEither(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
    return stage().acceptEitherAsync(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action,
      Executor executor) {
    return stage().acceptEitherAsync(other, inFrame(action), executor);
  }

  @Override
  public CompletionStage<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return stage().runAfterEither(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
    return stage().runAfterEitherAsync(other, inFrame(action));
  }

  @Override
  public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
    return stage().runAfterEitherAsync(other, inFrame(action), executor);
  }

  @Override
  public <U> CompletionStage<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
    return stage().thenCompose(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
    return stage().thenComposeAsync(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
      Executor executor) {
    return stage().thenComposeAsync(inFrame(fn), executor);
  }

  @Override
  public <U> CompletionStage<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return stage().handle(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
    return stage().handleAsync(inFrame(fn));
  }

  @Override
  public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
    return stage().handleAsync(inFrame(fn), executor);
  }

  @Override
  public CompletionStage<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return stage().whenComplete(inFrame(action));
  }

  @Override
  public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
    return stage().whenCompleteAsync(inFrame(action));
  }

  @Override
  public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
    return stage().whenCompleteAsync(inFrame(action), executor);
  }

  @Override
  public CompletionStage<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return stage().exceptionally(inFrame(fn));
  }

  @Override
  public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
    return stage().exceptionallyAsync(inFrame(fn));
  }

  @Override
  public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
    return stage().exceptionallyAsync(inFrame(fn), executor);
  }

  @Override
  public CompletionStage<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
    return stage().exceptionallyCompose(inFrame(fn));
  }

  @Override
  public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
    return stage().exceptionallyComposeAsync(inFrame(fn));
  }

  @Override
  public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
      Executor executor) {
    return stage().exceptionallyComposeAsync(inFrame(fn), executor);
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

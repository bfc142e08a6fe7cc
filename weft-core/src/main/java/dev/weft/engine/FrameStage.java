package dev.weft.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CompletionStage} over a {@link CompletableFuture} that a subclass supplies through
 * {@link #stage()} (which may start work, or note that the result is being awaited). Every
 * dependent action runs in the {@link Frame} that registered it, so futures made inside it
 * belong to the same request and RequestContext.current() works there.
 */
abstract class FrameStage<T> implements CompletionStage<T> {

  /** The future dependents attach to; called once per composition. */
  abstract CompletableFuture<T> stage();

  static <X, Y> Function<X, Y> inFrame(Function<X, Y> fn) {
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

  static <X, Y, Z> BiFunction<X, Y, Z> inFrame(BiFunction<X, Y, Z> fn) {
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

  static <X> Consumer<X> inFrame(Consumer<X> fn) {
    Function<X, Void> f = inFrame((X x) -> {
      fn.accept(x);
      return null;
    });
    return f::apply;
  }

  static <X, Y> BiConsumer<X, Y> inFrame(BiConsumer<X, Y> fn) {
    BiFunction<X, Y, Void> f = inFrame((X x, Y y) -> {
      fn.accept(x, y);
      return null;
    });
    return f::apply;
  }

  static Runnable inFrame(Runnable fn) {
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

}

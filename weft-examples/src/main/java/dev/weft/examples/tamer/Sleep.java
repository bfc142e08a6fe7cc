package dev.weft.examples.tamer;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The seed's {@code await asyncio.sleep(seconds)} for async functions, which must not block their
 * event-loop thread: a stage that a timer completes later.
 *
 * <p>The value is computed on the JDK's single delay thread ({@code CompletableFuture}'s
 * "delay scheduler"), not handed on to a pool, so work due earlier always runs first and two
 * sleeps of the same length end in the order they began, as they do on Python's one event loop.
 * The work must therefore be short: printing a line, building a value.
 */
final class Sleep {
  private Sleep() {}

  /** Completes with {@code value.get()} (or its exception) {@code seconds} from now. */
  static <T> CompletableFuture<T> then(double seconds, Supplier<T> value) {
    long millis = Math.round(seconds * 1000);
    return CompletableFuture.supplyAsync(value,
        CompletableFuture.delayedExecutor(millis, MILLISECONDS, Runnable::run));
  }
}

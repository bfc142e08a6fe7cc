package dev.weft.engine;

import dev.weft.Future;
import dev.weft.ReturnWhen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Future#await}: one signal completed by whichever future first makes the condition
 * true, so the wait ends as soon as it holds (not by waiting on the futures one by one).
 */
public final class Waiting {
  private Waiting() {}

  /** See {@link Future#await(Collection, Duration, ReturnWhen)}; {@code timeout} null means none. */
  public static <T extends Future<?>> Future.Waited<T> await(Collection<T> futures, Duration timeout, ReturnWhen when) {
    Objects.requireNonNull(futures, "futures");
    Objects.requireNonNull(when, "when");
    if (futures.isEmpty()) {
      throw new IllegalArgumentException("Future.await needs at least one future");
    }
    for (T f : futures) {
      if (f == null) {
        throw new IllegalArgumentException("Future.await got a null future");
      }
    }
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("Future.await timeout must not be negative, was " + timeout);
    }
    List<T> all = List.copyOf(futures);
    CompletableFuture<Void> signal = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(all.size());
    for (T f : all) {
      f.whenComplete((v, e) -> {
        boolean last = left.decrementAndGet() == 0;
        if (last || when == ReturnWhen.FIRST_COMPLETED || (e != null && when == ReturnWhen.FIRST_FAILURE)) {
          signal.complete(null);
        }
      });
    }
    try {
      // Timed on the clock of the futures' request, so a test kit's virtual time applies.
      clockOf(all).awaitDone(signal, timeout == null ? Long.MAX_VALUE : timeout.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for futures");
    }
    List<T> done = new ArrayList<>();
    List<T> notDone = new ArrayList<>();
    for (T f : all) {
      (f.done() ? done : notDone).add(f);
    }
    return new Future.Waited<>(done, notDone);
  }

  /** The engine of the first of {@code futures} that one made, else of the function running here. */
  private static Engine clockOf(List<? extends Future<?>> futures) {
    for (Future<?> f : futures) {
      if (f instanceof AbstractFuture<?> made) {
        return made.parent.run.engine();
      }
    }
    return Frames.currentOrLocal().run.engine();
  }
}

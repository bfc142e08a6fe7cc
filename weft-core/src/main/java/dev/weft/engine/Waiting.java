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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
      if (timeout == null) {
        signal.get();
      } else {
        signal.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      // report what is done so far
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for futures");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // the signal never fails
    }
    List<T> done = new ArrayList<>();
    List<T> notDone = new ArrayList<>();
    for (T f : all) {
      (f.done() ? done : notDone).add(f);
    }
    return new Future.Waited<>(done, notDone);
  }
}

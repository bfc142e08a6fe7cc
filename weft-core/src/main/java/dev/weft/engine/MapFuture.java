package dev.weft.engine;

import dev.weft.journal.DurableId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code fn.map(items)}: one call per item, all started at once, results in input order. Items
 * may be values or stages (each is an input of its call). The items are a collection, or a
 * stage of one that is resolved first. The calls are published through {@link #calls} as soon
 * as they exist, so a reduce over this map can fold each result as it arrives.
 */
final class MapFuture<R> extends AbstractFuture<List<R>> {
  private final FunctionSpec spec;
  private final Object items;
  private final DurableId id;
  private static final CallFuture<?>[] RELEASED = new CallFuture<?>[0];

  /**
   * Completes with the item calls once the items are known. Once the map has settled it is
   * replaced by an empty array, so that a finished map does not keep a million calls alive;
   * readers then use {@link #result} instead.
   */
  volatile CompletableFuture<CallFuture<?>[]> calls = new CompletableFuture<>();
  private volatile Object[] results;
  private AtomicInteger pending;
  /** Items not yet settled, plus one for the map's own result: it settles when this reaches zero. */
  private final AtomicInteger unsettled = new AtomicInteger(1);

  MapFuture(FunctionSpec spec, Object items, Frame parent, DurableId id) {
    super(parent);
    this.spec = spec;
    this.items = items;
    this.id = id;
  }

  @Override
  String functionName() {
    return "map of " + spec.name();
  }

  @Override
  void doStart() {
    if (items instanceof CompletionStage<?> stage) {
      if (stage instanceof AbstractFuture<?> f) {
        f.startIfNeeded();
        stage = f.result;
      }
      stage.whenComplete((list, failure) -> {
        if (failure != null) {
          calls.completeExceptionally(Failures.unwrap(failure));
          fail(failure);
        } else {
          fanOut(list);
        }
      });
    } else {
      fanOut(items);
    }
  }

  private void fanOut(Object list) {
    try {
      fanOutItems(list);
    } catch (Throwable t) {
      calls.completeExceptionally(t);
      fail(t);
    }
  }

  private void fanOutItems(Object list) {
    if (!(list instanceof Iterable<?> iterable)) {
      IllegalArgumentException e = new IllegalArgumentException(functionName()
          + " needs a collection of items, got " + (list == null ? "null" : list.getClass().getName()));
      calls.completeExceptionally(e);
      fail(e);
      return;
    }
    Object[] values = iterable instanceof Collection<?> c ? c.toArray() : toArray(iterable);
    int n = values.length;
    unsettled.addAndGet(n);
    CallFuture<?>[] made = new CallFuture<?>[n];
    results = new Object[n];
    pending = new AtomicInteger(n);
    Frame frame = new Frame(parent.run, id, null, false, parent.replaying());
    frame.observation = parent.observation; // items and steps are children of the attempt that made them
    for (int i = 0; i < n; i++) {
      Inputs.rejectNestedInArgument(values[i], spec.name(), 0);
      made[i] = new CallFuture<>(spec, new Object[] {values[i]}, frame,
          id == null ? null : id.child(i, 'i', spec.def().nameHash()), i, this);
    }
    calls.complete(made);
    if (n == 0) {
      complete(List.of());
      return;
    }
    for (CallFuture<?> c : made) {
      if (result.isDone()) {
        c.cancel();
      } else {
        c.startIfNeeded();
      }
    }
    scheduleSweep(made);
  }

  /**
   * Checks the items' timeouts every so often, instead of a timer per item (see
   * {@link CallFuture#sweep}); precision is the sweep period, a small fraction of the timeout.
   */
  private void scheduleSweep(CallFuture<?>[] made) {
    long timeout = parent.run.timeoutFor(spec.def()).toNanos();
    long period = Math.clamp(timeout / 8, 20_000_000L, 5_000_000_000L);
    parent.run.engine().timer().schedule(() -> {
      if (result.isDone()) {
        return;
      }
      long now = parent.run.engine().clock.nanoTime();
      for (CallFuture<?> c : made) {
        c.sweep(now);
      }
      scheduleSweep(made);
    }, period);
  }

  private static Object[] toArray(Iterable<?> iterable) {
    List<Object> list = new ArrayList<>();
    iterable.forEach(list::add);
    return list.toArray();
  }

  /** Called once per item call as it completes. */
  void itemDone(int index, Object value, Throwable failure) {
    if (failure != null) {
      if (fail(failure)) {
        cancelItems();
      }
      return;
    }
    Object[] r = results;
    r[index] = value;
    if (pending.decrementAndGet() == 0) {
      @SuppressWarnings("unchecked")
      List<R> list = (List<R>) Collections.unmodifiableList(Arrays.asList(r));
      complete(list);
    }
  }

  private void cancelItems() {
    CallFuture<?>[] made = calls.getNow(null);
    if (made != null) {
      for (CallFuture<?> c : made) {
        c.cancel();
      }
    }
  }

  @Override
  void onCancel() {
    cancelItems();
  }

  @Override
  void completed(List<R> value, Throwable failure) {
    CallFuture<?>[] made = calls.getNow(null);
    if (made == null) {
      markSettled(); // no item was made; any made later is cancelled before it runs
      return;
    }
    if (unsettled.decrementAndGet() == 0) {
      release();
    }
  }

  /** Called once by each item call when its work has stopped. */
  void itemSettled() {
    if (unsettled.decrementAndGet() == 0) {
      release();
    }
  }

  private void release() {
    calls = CompletableFuture.completedFuture(RELEASED);
    markSettled();
  }
}

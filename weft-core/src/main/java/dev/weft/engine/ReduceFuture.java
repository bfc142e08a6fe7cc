package dev.weft.engine;

import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * {@code fn.reduce(items[, initial])}: the sequential left fold {@code f(f(f(x0, x1), x2), x3)}.
 *
 * <p>One virtual thread drives the fold. It starts every future among the items at once, then
 * takes the items in order, waiting for each; each step is a real call of the reducer (journaled,
 * retried, timed out) that a sync reducer runs right on the driver, so a fold of a million items
 * costs no thread hops. Over a {@link MapFuture} the driver folds item i as soon as item i and
 * the accumulator exist, overlapping the map that is still running.
 */
final class ReduceFuture<R> extends AbstractFuture<R> {
  private final FunctionSpec spec;
  private final Object items;
  private final boolean hasInitial;
  private final Object initial;
  private final DurableId id;
  /** The driver thread while it runs; guarded by {@code this}. */
  private Thread driver;
  private volatile CallFuture<?> step;
  private volatile boolean driverLaunched;

  ReduceFuture(FunctionSpec spec, Object items, boolean hasInitial, Object initial, Frame parent, DurableId id) {
    super(parent);
    this.spec = spec;
    this.items = items;
    this.hasInitial = hasInitial;
    this.initial = initial;
    this.id = id;
  }

  @Override
  String functionName() {
    return "reduce of " + spec.name();
  }

  @Override
  void doStart() {
    if (items instanceof AbstractFuture<?> f) {
      f.startIfNeeded();
    }
    if (initial instanceof AbstractFuture<?> f) {
      f.startIfNeeded();
    }
    driverLaunched = true;
    Threads.startCall(parent.run.engine().track(this::drive));
  }

  @Override
  void completed(R value, Throwable failure) {
    if (!driverLaunched) {
      markSettled();
    }
  }

  private void drive() {
    synchronized (this) {
      if (result.isDone()) {
        markSettled();
        return;
      }
      driver = Thread.currentThread();
    }
    try {
      complete(fold());
    } catch (InterruptedException | CancellationException e) {
      cancel();
    } catch (Throwable t) {
      fail(t);
    } finally {
      synchronized (this) {
        driver = null;
        Thread.interrupted();
      }
      CallFuture<?> s = step;
      if (s == null) {
        markSettled();
      } else {
        s.settled().whenComplete((v, e) -> markSettled());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private R fold() throws Exception {
    Object acc = hasInitial ? await(initial) : null;
    boolean hasAcc = hasInitial;
    Frame frame = new Frame(parent.run, id, null, false, parent.replaying());
    frame.observation = parent.observation; // items and steps are children of the attempt that made them
    Object[] elements = elements();
    for (Object e : elements) {
      if (e instanceof AbstractFuture<?> f) {
        f.startIfNeeded();
      }
    }
    sweepSteps();
    long index = 0;
    for (int i = 0; i < elements.length; i++) {
      Object value = await(elements[i]);
      elements[i] = null; // folded: let it go
      if (!hasAcc) {
        acc = value;
        hasAcc = true;
        continue;
      }
      CallFuture<?> s = new CallFuture<>(spec, new Object[] {acc, value}, frame,
          id == null ? null : id.child(index++, 's', spec.def().nameHash()), -1, null);
      step = s;
      if (result.isDone()) {
        throw new CancellationException();
      }
      s.runInline();
      acc = join(s);
    }
    if (!hasAcc) {
      throw new UsageException(functionName() + " got no items and no initial value; "
          + "pass an initial value (reduce(items, initial)) to fold an empty collection");
    }
    return (R) acc;
  }

  /**
   * Checks the running step's timeout every so often, instead of a timer per step (see
   * {@link CallFuture#sweep}).
   */
  private void sweepSteps() {
    long timeout = parent.run.timeoutFor(spec.def()).toNanos();
    long period = Math.clamp(timeout / 8, 20_000_000L, 5_000_000_000L);
    parent.run.engine().timer().schedule(() -> {
      if (result.isDone()) {
        return;
      }
      CallFuture<?> s = step;
      if (s != null) {
        s.sweep(parent.run.engine().clock.nanoTime());
      }
      sweepSteps();
    }, period);
  }

  /** The items in order: map item calls (or their values, once the map has finished), or the collection's elements. */
  private Object[] elements() throws Exception {
    if (items instanceof MapFuture<?> map) {
      Object[] calls = map.calls.get().clone();
      if (calls.length > 0 || !map.result.isDone()) {
        return calls;
      }
      return ((List<?>) join(map)).toArray(); // released: the map has finished and settled
    }
    Object list = items instanceof CompletionStage<?> stage ? await(stage) : items;
    if (!(list instanceof Iterable<?> iterable)) {
      throw new IllegalArgumentException(functionName() + " needs a collection of items, got "
          + (list == null ? "null" : list.getClass().getName()));
    }
    List<Object> out = new ArrayList<>();
    for (Object e : iterable) {
      Inputs.rejectNestedInArgument(e, spec.name(), 1);
      out.add(e);
    }
    return out.toArray();
  }

  private static Object await(Object value) throws Exception {
    if (value instanceof AbstractFuture<?> f) {
      return join(f);
    }
    if (value instanceof CompletionStage<?> s) {
      try {
        return s.toCompletableFuture().get();
      } catch (ExecutionException e) {
        throw rethrowable(e.getCause());
      }
    }
    return value;
  }

  private static Object join(AbstractFuture<?> f) throws Exception {
    f.startIfNeeded();
    try {
      return f.result.get();
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
    }
  }

  private static Exception rethrowable(Throwable t) {
    t = Failures.unwrap(t);
    if (t instanceof Error err) {
      throw err;
    }
    return (Exception) t;
  }

  @Override
  void onCancel() {
    synchronized (this) {
      if (driver != null) {
        driver.interrupt();
      }
    }
    CallFuture<?> s = step;
    if (s != null) {
      s.cancel();
    }
  }
}

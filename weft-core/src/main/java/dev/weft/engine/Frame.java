package dev.weft.engine;

import dev.weft.RequestContext;
import dev.weft.journal.DurableId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The context of one running attempt of a call (or of a request's root): which request, the
 * call's durable id, a counter that gives the futures it makes their positions, and the
 * futures it started that are still running (so cancelling the call cancels them). What
 * {@link RequestContext#current()} returns. Thread-safe.
 */
final class Frame implements RequestContext {
  final RequestRun run;
  /** Null when the request is not journaled (calls outside any request). */
  final DurableId id;
  /** The attempt this frame runs, or null for a root frame. */
  final CallFuture.Attempt attempt;
  /**
   * What the runtime's observer keeps for this frame's attempt (or request): the parent of the
   * calls made here. Set before the frame's function runs (or, for a root, before the request
   * starts); {@code NONE} when nothing observes.
   */
  dev.weft.observe.Observation observation = dev.weft.observe.Observation.NONE;
  private static final java.lang.invoke.VarHandle NEXT_CHILD;

  static {
    try {
      NEXT_CHILD = java.lang.invoke.MethodHandles.lookup().findVarHandle(Frame.class, "nextChild", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through NEXT_CHILD
  private volatile long nextChild;
  private final boolean tracksChildren;
  private final boolean replaying;
  /** Made on the first child, since most attempts start none; guarded by {@code this} when made. */
  private volatile Set<AbstractFuture<?>> running;
  /**
   * The scopes opened here and not yet finished; made on the first one. Cancelling the attempt
   * cancels them, so a function sitting in {@code close()} (on a loop thread, where no interrupt
   * reaches it) is released and its plain forks stop.
   */
  private volatile Set<ScopeImpl> scopes;
  /** Set once the attempt was cancelled or timed out: a scope opened afterwards is cancelled at once. */
  private volatile boolean cancelled;

  /**
   * @param tracksChildren whether futures started here are remembered so that cancelling the
   *     attempt cancels them; false for the local root, which must not keep every detached
   *     future alive, and for the synthetic frames of map items and reduce steps
   */
  Frame(RequestRun run, DurableId id, CallFuture.Attempt attempt, boolean tracksChildren, boolean replaying) {
    this.run = run;
    this.id = id;
    this.attempt = attempt;
    this.tracksChildren = tracksChildren;
    this.replaying = replaying;
  }

  /**
   * Whether calls made here may find recorded outputs: the request was resumed or replayed, or
   * this frame's attempt (or an enclosing one) is a retry. Otherwise no call made here can have
   * completed before, and the journal need not be asked.
   */
  boolean replaying() {
    return replaying;
  }

  boolean isLocalRoot() {
    return run.isLocal() && attempt == null;
  }

  /** The durable id of the next future made here, or null if the request is not journaled. */
  DurableId nextChildId(char kind, FunctionDef function) {
    return id == null ? null : id.child((long) NEXT_CHILD.getAndAdd(this, 1L), kind, function.nameHash());
  }

  void childStarted(AbstractFuture<?> f) {
    if (!tracksChildren) {
      return;
    }
    Set<AbstractFuture<?>> set = running;
    if (set == null) {
      synchronized (this) {
        set = running;
        if (set == null) {
          running = set = ConcurrentHashMap.newKeySet();
        }
      }
    }
    set.add(f);
  }

  void childDone(AbstractFuture<?> f) {
    Set<AbstractFuture<?>> set = running;
    if (set != null) {
      set.remove(f);
    }
  }

  void cancelChildren() {
    Set<AbstractFuture<?>> set = running;
    if (set != null) {
      for (AbstractFuture<?> f : set) {
        f.cancel();
      }
    }
    cancelScopes();
  }

  /** Registers a scope opened by this frame's function, so that cancelling the attempt cancels it. */
  void scopeOpened(ScopeImpl scope) {
    if (!tracksChildren) {
      return;
    }
    Set<ScopeImpl> set = scopes;
    if (set == null) {
      synchronized (this) {
        set = scopes;
        if (set == null) {
          scopes = set = ConcurrentHashMap.newKeySet();
        }
      }
    }
    set.add(scope);
    if (cancelled) { // read after the add: a concurrent cancelScopes sees the scope, or we see the flag
      scope.ownerCancelled();
    }
  }

  void scopeFinished(ScopeImpl scope) {
    Set<ScopeImpl> set = scopes;
    if (set != null) {
      set.remove(scope);
    }
  }

  /** The attempt was cancelled or timed out: every scope its function opened cancels its forks. */
  void cancelScopes() {
    cancelled = true;
    Set<ScopeImpl> set = scopes;
    if (set != null) {
      for (ScopeImpl s : set) {
        s.ownerCancelled();
      }
    }
  }

  @Override
  public String requestId() {
    return run.id();
  }

  @Override
  public String application() {
    return run.application();
  }

  @Override
  public State state() {
    return run.state();
  }

  @Override
  public Progress progress() {
    return (current, total, message) -> {
      run.progress(current, total, message);
      if (attempt != null) {
        attempt.touch();
      }
    };
  }

  @Override
  public Metrics metrics() {
    return run.metrics();
  }
}

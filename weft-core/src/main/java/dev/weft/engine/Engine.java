package dev.weft.engine;

import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.Request;
import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestLog;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's machinery: event loops and their watchdog, the timer wheel, the journal, and the
 * local run that calls outside any request belong to. Thread-safe.
 */
public final class Engine {
  private static final class Shared {
    static final Engine INSTANCE = new Engine(new EngineConfig(
        Math.max(1, Runtime.getRuntime().availableProcessors()), java.time.Duration.ofMillis(100), false,
        r -> {}, new dev.weft.journal.InMemoryJournal()));
  }

  private final EngineConfig config;
  private final EventLoop[] loops;
  private final LoopWatchdog watchdog;
  private final TimerWheel timer = new TimerWheel();
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final RequestRun local;

  public Engine(EngineConfig config) {
    this.config = config;
    this.loops = new EventLoop[config.eventLoops()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new EventLoop("weft-loop-" + i);
    }
    this.watchdog = new LoopWatchdog(loops, config.blockedLoopThreshold(), config.failOnBlockedLoop(),
        config.blockedLoopListener());
    this.local = new RequestRun(this, RequestRun.LOCAL_ID, "local", null, null, 0, FunctionDef.DEFAULT_TIMEOUT);
  }

  /** The engine of the default runtime, which also runs calls made outside any request. */
  public static Engine shared() {
    return Shared.INSTANCE;
  }

  Frame localRoot() {
    return local.root();
  }

  TimerWheel timer() {
    return timer;
  }

  /** The loop an async call runs on: the caller's own loop if it is on one, else the next in turn. */
  EventLoop loopForCall() {
    EventLoop here = EventLoop.current();
    if (here != null) {
      return here;
    }
    return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
  }

  /** Starts {@code app} as a request. */
  public <A, R> Request<R> submit(Fn1<A, R> app, A input) {
    if (!(app instanceof Handle handle)) {
      throw new UsageException("run an application through a handle from Weft.fn or Weft.asyncFn");
    }
    FunctionDef def = handle.spec().def();
    if (!def.isApplication()) {
      throw new UsageException(def.name() + " is not an application; annotate its method with @"
          + Application.class.getSimpleName() + " (beside @Function) to run it as a request");
    }
    String id = UUID.randomUUID().toString();
    RequestLog log = config.journal().open(id, def.name());
    DurableId rootId = DurableId.root(def.name());
    int retries = Math.max(0, def.retries());
    RequestRun run = new RequestRun(this, id, def.name(), log, rootId, retries,
        def.timeout().orElse(FunctionDef.DEFAULT_TIMEOUT));
    Inputs.rejectNestedInArgument(input, def.name(), 0);
    CallFuture<R> root = new CallFuture<>(handle.spec(), new Object[] {input}, run.root(), rootId, -1, null);
    root.result.whenComplete((v, e) -> log.finished(Optional.ofNullable(e).map(Failures::unwrap), v));
    root.startIfNeeded();
    return new RequestHandle<>(run, root);
  }

  /** Stops loops, watchdog and timer. Idempotent. */
  public void close() {
    if (this == shared()) {
      return; // the shared engine lives as long as the process
    }
    watchdog.stop();
    timer.stop();
    for (EventLoop loop : loops) {
      loop.stop();
    }
  }
}

package dev.weft;

import dev.weft.engine.Engine;
import dev.weft.engine.EngineConfig;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where calls run: the event loops, the virtual threads, the timer, the journal.
 *
 * <p>Most programs use the default runtime through {@link Weft} and never see this class. Make
 * one with {@link #builder()} to choose the journal, the number of event loops or the
 * blocked-loop policy (tests do). A call belongs to the runtime of the request it runs in; calls
 * made outside any request run on the default runtime. Thread-safe.
 */
public final class WeftRuntime implements AutoCloseable {
  private static final class DefaultHolder {
    static final WeftRuntime INSTANCE = new WeftRuntime(Engine.shared());
  }

  private final Engine engine;

  private WeftRuntime(Engine engine) {
    this.engine = engine;
  }

  /** The process-wide default runtime, made on first use; its threads are daemons. */
  public static WeftRuntime defaultRuntime() {
    return DefaultHolder.INSTANCE;
  }

  /** A builder with the defaults: one event loop per core, in-memory journal, 100 ms threshold. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code application} as a new request and waits for its output.
   *
   * @throws UsageException if the function is not annotated {@link Application}
   */
  public <A, R> R run(Fn1<A, R> application, A input) {
    return submit(application, input).result();
  }

  /** Starts {@code application} as a new request; never blocks (beyond journaling it). */
  public <A, R> Request<R> submit(Fn1<A, R> application, A input) {
    return engine.submit(application, input, Optional.empty());
  }

  /**
   * Starts {@code application} as a request whose id is {@code idempotencyKey}, unless a request
   * with that key exists: then that request is returned (running, resumed, or as recorded) and
   * nothing runs twice. The existing request counts only if it is of the same application with
   * the same input (equal in memory, equally encoded in a durable journal).
   *
   * @throws UsageException if the key is not 1..64 visible ASCII characters
   * @throws IdempotencyKeyReusedException if the key was used for another application or another
   *     input; the first request is left as it was
   */
  public <A, R> Request<R> submit(Fn1<A, R> application, A input, String idempotencyKey) {
    return engine.submit(application, input, Optional.of(idempotencyKey));
  }

  /**
   * Runs request {@code requestId} again (after a crash, or to replay it): the application runs
   * from the top and every call whose output the journal has returns it without running.
   * Empty if the journal has no such request. An {@link dev.weft.journal.InMemoryJournal} drops a
   * request's calls when it finishes, so replaying a finished request there runs them again; a
   * durable journal keeps them.
   */
  public <A, R> Optional<Request<R>> resume(Fn1<A, R> application, String requestId) {
    return engine.resume(application, requestId);
  }

  /**
   * Resumes every request the journal holds as running whose application {@code applications}
   * hosts; returns how many. Call it once at start-up.
   */
  public int resumeUnfinished(Applications applications) {
    return engine.resumeUnfinished(name -> applications.find(name).map(Applications.Entry::handle));
  }

  /**
   * Stops running request {@code requestId} in this runtime without recording an end, because
   * the request goes on somewhere else (another node of a fleet took it over). Returns whether it
   * was running here; never blocks.
   *
   * <p>What this runtime's {@link Request} handle of it shows afterwards: {@link Request#result()}
   * throws {@code reason} at once (to every waiter, present and future); {@link Request#done()}
   * stays false and {@link Request#state()} stays {@link RequestState#RUNNING}, since the request
   * has not finished; {@link #running} no longer finds it. Its calls are cancelled as by
   * {@link Request#cancel()}, but the journal is not told the request ended: only the process
   * that runs it now records its end.
   */
  public boolean abandon(String requestId, RuntimeException reason) {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(reason, "reason");
    return engine.abandon(requestId, reason);
  }

  /** The request with this id, if it is running in this runtime. */
  public Optional<Request<?>> running(String requestId) {
    return engine.running(requestId);
  }

  /**
   * Stops the loops, the watchdog and the timer; calls still running may not complete. The
   * journal given to the builder belongs to the caller, who closes it (after this) to flush it.
   * Idempotent; does nothing to the default runtime, which lives as long as the process.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Shuts down gracefully: from now on {@link #submit} and {@link #resume} throw {@link
   * java.util.concurrent.RejectedExecutionException}; waits up to {@code grace} for the requests
   * running here to end; gives up those still running without recording an end (their waiters
   * get a {@link java.util.concurrent.CancellationException}, their calls are cancelled), so a
   * durable journal keeps them as running and a runtime on the same journal resumes them with
   * {@link #resumeUnfinished}; then closes as {@link #close()} does. Close the journal after this
   * returns.
   *
   * <p>Blocks up to {@code grace}. An interrupt ends the wait early (the rest is done) and stays
   * set on return. Does nothing to the default runtime, which lives as long as the process.
   *
   * @param grace how long running requests may take to end; zero gives them up at once
   * @return the ids of the requests given up, still recorded as running
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public java.util.List<String> close(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace + "; use Duration.ZERO to give "
          + "running requests up at once");
    }
    return engine.close(grace);
  }

  /** Options of a {@link WeftRuntime}; each setter validates its value. Not thread-safe. */
  public static final class Builder {
    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Duration blockedLoopThreshold = Duration.ofMillis(100);
    private boolean failOnBlockedLoop;
    private Consumer<BlockedEventLoopException> blockedLoopListener = report -> {};
    private Journal journal = new InMemoryJournal();
    private Optional<java.util.List<dev.weft.observe.WeftObserver>> observers = Optional.empty();
    private dev.weft.spi.Clock clock = dev.weft.spi.Clock.SYSTEM;
    private dev.weft.spi.CallInterceptor interceptor;

    private Builder() {}

    /**
     * How many event-loop threads invoke async functions.
     *
     * @throws IllegalArgumentException unless 1..64
     */
    public Builder eventLoops(int count) {
      if (count < 1 || count > 64) {
        throw new IllegalArgumentException("eventLoops must be 1..64, was " + count);
      }
      this.eventLoops = count;
      return this;
    }

    /**
     * How long an event-loop thread may run one task before it is reported as blocked.
     *
     * @throws IllegalArgumentException unless at least 1 ms
     */
    public Builder blockedLoopThreshold(Duration threshold) {
      Objects.requireNonNull(threshold, "threshold");
      if (threshold.toMillis() < 1) {
        throw new IllegalArgumentException("blockedLoopThreshold must be at least 1 ms, was " + threshold);
      }
      this.blockedLoopThreshold = threshold;
      return this;
    }

    /**
     * Whether an async call that blocks its loop past the threshold fails with
     * {@link BlockedEventLoopException} (default false: it is only logged and reported).
     */
    public Builder failOnBlockedLoop(boolean fail) {
      this.failOnBlockedLoop = fail;
      return this;
    }

    /** Receives every blocked-loop report, on the watchdog thread; must be quick. */
    public Builder onBlockedLoop(Consumer<BlockedEventLoopException> listener) {
      this.blockedLoopListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Where calls are journaled; default in memory (no durability across processes). */
    public Builder journal(Journal journal) {
      this.journal = Objects.requireNonNull(journal, "journal");
      return this;
    }

    /**
     * Who is told what this runtime does (tracing, metrics): these observers, in this order,
     * instead of those found on the class path. With no argument, nothing observes the runtime
     * even if an observer module is on the class path. Default: every
     * {@link java.util.ServiceLoader} provider of {@link dev.weft.observe.WeftObserver}.
     */
    public Builder observer(dev.weft.observe.WeftObserver... observers) {
      java.util.List<dev.weft.observe.WeftObserver> list = java.util.List.of(observers); // rejects nulls
      this.observers = Optional.of(list);
      return this;
    }

    /**
     * The time this runtime's retry backoffs and attempt timeouts follow; default
     * {@link dev.weft.spi.Clock#SYSTEM}. A test kit's virtual clock makes backoffs pass instantly.
     */
    public Builder clock(dev.weft.spi.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs every attempt of every function body through {@code interceptor} (fake bodies and
     * injected failures in tests); default none, bodies are called directly.
     */
    public Builder intercept(dev.weft.spi.CallInterceptor interceptor) {
      this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
      return this;
    }

    /** Starts the runtime's threads. */
    public WeftRuntime build() {
      return new WeftRuntime(new Engine(new EngineConfig(
          eventLoops, blockedLoopThreshold, failOnBlockedLoop, blockedLoopListener, journal,
          observers.map(EngineConfig::observers).orElseGet(EngineConfig::discoveredObservers), clock, interceptor)));
    }
  }
}

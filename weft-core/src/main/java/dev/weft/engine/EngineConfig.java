package dev.weft.engine;

import dev.weft.BlockedEventLoopException;
import dev.weft.journal.Journal;
import dev.weft.observe.WeftObserver;
import dev.weft.spi.CallInterceptor;
import dev.weft.spi.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** A runtime's validated options (validated by {@code WeftRuntime.Builder}); {@code interceptor} may be null. */
public record EngineConfig(
    int eventLoops,
    Duration blockedLoopThreshold,
    boolean failOnBlockedLoop,
    Consumer<BlockedEventLoopException> blockedLoopListener,
    Journal journal,
    WeftObserver observer,
    Clock clock,
    CallInterceptor interceptor) {

  /** With the system clock and bodies called directly. */
  public EngineConfig(int eventLoops, Duration blockedLoopThreshold, boolean failOnBlockedLoop,
      Consumer<BlockedEventLoopException> blockedLoopListener, Journal journal, WeftObserver observer) {
    this(eventLoops, blockedLoopThreshold, failOnBlockedLoop, blockedLoopListener, journal, observer, Clock.SYSTEM, null);
  }

  /** With the observers found on the class path ({@link java.util.ServiceLoader}), if any. */
  public EngineConfig(int eventLoops, Duration blockedLoopThreshold, boolean failOnBlockedLoop,
      Consumer<BlockedEventLoopException> blockedLoopListener, Journal journal) {
    this(eventLoops, blockedLoopThreshold, failOnBlockedLoop, blockedLoopListener, journal, Observers.discovered());
  }

  /** What the builder's {@code observer(...)} gives: {@code observers} combined, or none if empty. */
  public static WeftObserver observers(java.util.List<WeftObserver> observers) {
    return Observers.of(observers);
  }

  /** The observers found on the class path, combined (nothing is observed if there are none). */
  public static WeftObserver discoveredObservers() {
    return Observers.discovered();
  }
}

package dev.weft.observe;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Watches what a runtime does: requests and call attempts as they start and end, blocked event
 * loops, journal commits. Tracing and metrics modules implement it; every method has a default
 * that does nothing, so an implementation overrides only what it uses.
 *
 * <p><b>Installing.</b> A runtime takes the observer set with
 * {@code WeftRuntime.Builder.observer}; without one, it loads every implementation listed as a
 * {@link java.util.ServiceLoader} provider of this interface (a module on the class path
 * registers itself so), in class-path order, and tells each of them. With none found the
 * runtime calls nothing at all: no event is built, no observation allocated.
 *
 * <p><b>Threading.</b> Methods are called on the runtime's own threads: a request's start on
 * the thread that submits it, an attempt's start on the thread that runs it (a {@code weft-call}
 * virtual thread for sync functions, a {@code weft-loop-N} event-loop thread for async ones),
 * an attempt's end on whichever thread ends it, {@link #loopBlocked} on {@code weft-watchdog},
 * {@link #journalCommitted} on the journal's writer thread. Implementations must be
 * thread-safe, quick, and must not block (an event loop waits for them) nor throw: what
 * escapes is logged (at ERROR, logger {@code dev.weft}) and the work goes on unobserved.
 */
public interface WeftObserver {

  /**
   * A request starts (or resumes) running here. The observation returned is the parent of its
   * root call's attempts and is ended when the request ends.
   */
  default Observation requestStarted(ObservedRequest request) {
    return Observation.NONE;
  }

  /**
   * An attempt of a call starts. {@code parent} is the observation of the attempt (or request)
   * the call was made in: for a map's items and a reduce's steps, the attempt that made the map
   * or the reduce; for a tail call, the attempt that returned it; for a scope's fork, the attempt
   * that opened the scope; for a call made outside any request, {@link Observation#NONE} (or
   * what {@link #extract} gave, on a remote worker). Retries are separate attempts with the same
   * parent. Calls whose output a resumed request finds recorded run no attempt.
   */
  default Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
    return Observation.NONE;
  }

  /** An event-loop thread ran one task for {@code blocked} (longer than the runtime's threshold). */
  default void loopBlocked(String loopThread, Duration blocked) {}

  /**
   * A durable journal committed {@code batchSize} writes in one transaction; {@code latency} is
   * the time from its writer taking the first of them to the commit. {@code journal} names the
   * kind ({@code "sqlite"}, {@code "postgres"}).
   */
  default void journalCommitted(String journal, Duration latency, int batchSize) {}

  /** The runtime starts; {@code gauges} may be read from now on, by any thread. */
  default void runtimeStarted(RuntimeGauges gauges) {}

  /**
   * Adds to an outgoing remote call the headers that carry {@code current} (the attempt making
   * the call) to the worker, such as W3C {@code traceparent}. Called on the calling attempt's
   * thread.
   */
  default void inject(Observation current, BiConsumer<String, String> headers) {}

  /**
   * On a remote worker: the observation a call's incoming headers carry, as the parent of the
   * attempt the worker runs for it. {@code header} returns a header's value, or null if absent.
   */
  default Observation extract(Function<String, String> header) {
    return Observation.NONE;
  }
}

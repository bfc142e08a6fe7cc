package dev.weft.observe;

import java.util.Optional;

/**
 * What an observer keeps for one request or one call attempt while it runs (a span, a start
 * time), and is told once when it ends. The runtime hands it back as the parent of the calls
 * made inside, so an observer can parent them along the call graph.
 *
 * <p>Threading: {@link #ended} is called at most once, on whatever thread ends the work (a
 * {@code weft-call} virtual thread, a {@code weft-loop-N} event-loop thread, the timer); it
 * must be quick and must not block or throw. An observer's own {@code Observation} is only ever
 * passed back to that observer.
 */
public interface Observation {
  /** The observation of an observer that keeps nothing; {@link #ended} does nothing. */
  Observation NONE = (outcome, failure) -> {};

  /**
   * The work ended.
   *
   * @param failure what it failed with, for every outcome but {@link Outcome#SUCCEEDED} and
   *     {@link Outcome#TAIL_CALL} (a cancelled request may carry none)
   */
  void ended(Outcome outcome, Optional<Throwable> failure);

  /**
   * Makes this observation current on the calling thread while an attempt's function body runs
   * there (so that, for a tracer, the function's own spans and instrumented clients join the
   * attempt's span); the runtime closes what it returns on the same thread when the body returns.
   * Not called for a request's observation. An async function's stage callbacks run later,
   * outside it. The default makes nothing current.
   */
  default Scope enter() {
    return Scope.NONE;
  }

  /** What {@link #enter} made current; closing it restores what was current before. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    /** A scope that restores nothing. */
    Scope NONE = () -> {};

    /** Restores what was current; never throws. */
    @Override
    void close();
  }
}

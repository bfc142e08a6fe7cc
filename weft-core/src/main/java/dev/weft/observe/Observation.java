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
}

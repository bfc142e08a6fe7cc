package dev.weft;

/** What an {@link AsyncScope} does with its unfinished forks when it closes. */
public enum ExitMode {
  /** Wait for every fork to finish (the default; like a TaskGroup or a Trio nursery). */
  WAIT,
  /** Cancel every unfinished fork, then wait for them to finish (to stop endless loops). */
  CANCEL,
  /**
   * Cancel unfinished forks, wait for them, and fail with {@link UnawaitedResultException}
   * naming where each fork whose result nobody awaited was forked.
   */
  RAISE
}

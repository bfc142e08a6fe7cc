package dev.weft;

/**
 * Where a function's calls run, set with {@link Function#placement()}.
 *
 * <p>Placement changes where a call runs, never what it means: a call placed on the fleet takes
 * futures as arguments, maps, reduces, retries, times out, is cancelled and is journaled exactly
 * as a local call is, and its caller sees its output or its failure (with the failure's type) as
 * if it had run here.
 */
public enum Placement {
  /** The call runs in the process that makes it (the default): no queue, no database round trip. */
  LOCAL,

  /**
   * Inside a request on a runtime whose journal is shared by a fleet of nodes (the PostgreSQL
   * journal), each attempt of the call becomes queued work that any node with room for the
   * function's {@link Function#cpus() cpus} and {@link Function#memory() memory} claims and runs;
   * the caller's thread waits until the outcome is committed. A map of such calls therefore
   * spreads over the fleet. Everywhere else (outside a request, or on a journal without a work
   * queue) the call runs locally, as {@link #LOCAL}.
   *
   * <p>The function must be static (its class is loaded by name on the node that runs it), and its
   * arguments and output must be JSON-encodable by their declared types. What the function does
   * inside (calls of its own, {@link RequestContext}) happens on the node that runs it, outside the
   * caller's request: the call is one unit of work, run again whole if its node dies before its
   * outcome is committed.
   */
  FLEET
}

package dev.weft.observe;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One attempt of a call as an observer sees it when it starts. Valid during the call that hands
 * it over; copy what you keep.
 */
public interface ObservedAttempt {
  /** The function's name, as errors and the journal name it. */
  String function();

  /** The id of the request the call runs in, or {@code "local"} for calls made outside any request. */
  String requestId();

  /** The attempt's number: 1 for the first, 2 for the first retry, and so on. */
  int attempt();

  /** The call's durable id, as the journal records it; empty outside a journaled request. */
  Optional<String> durableId();

  /** The durable id of the call this one was made in; empty for a request's root call or outside a request. */
  Optional<String> parentDurableId();

  /** The call's position in a map or a reduce (0-based), if it is one of its items or steps. */
  OptionalInt item();

  /** Whether its function is async (invoked on an event loop) rather than run on a virtual thread. */
  boolean async();
}

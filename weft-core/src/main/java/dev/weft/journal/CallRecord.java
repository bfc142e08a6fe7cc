package dev.weft.journal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a journal recorded of one call of a request: a snapshot, immutable and thread-safe. A
 * request's calls, with their {@link #parent()} links, form its call tree (see {@link
 * Journal#calls(String)}).
 *
 * @param id the call's durable id (as {@link DurableId#toString()} writes it)
 * @param parent the durable id of the call that made it; empty for the request's entry call
 * @param function the function's name
 * @param state where the call is
 * @param failedAttempts how many of its attempts failed so far (0 if none)
 * @param startedAt when its first attempt started, if recorded
 * @param finishedAt when it finished (succeeded, or failed for good), if it has
 * @param errorType the class name of its last failure, if an attempt failed
 * @param errorMessage the message of its last failure, if it had one
 */
public record CallRecord(
    String id,
    Optional<String> parent,
    String function,
    State state,
    int failedAttempts,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> errorType,
    Optional<String> errorMessage) {

  /** Where a recorded call is; the names are those the journals store. */
  public enum State {
    /** Started and not finished. */
    RUNNING,
    /** An attempt failed and another one is due. */
    RETRYING,
    /** Failed for good: its last attempt failed and no other is due. */
    FAILED,
    /** Returned a value, recorded for replays. */
    SUCCEEDED,
    /** Returned a value that could not be recorded; a replay runs it again. */
    UNSERIALIZABLE
  }

  /**
   * Checks the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code failedAttempts} is negative
   */
  public CallRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorMessage, "errorMessage");
    if (failedAttempts < 0) {
      throw new IllegalArgumentException("failedAttempts must be 0 or more, got " + failedAttempts);
    }
  }
}

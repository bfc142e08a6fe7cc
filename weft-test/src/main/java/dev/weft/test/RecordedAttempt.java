package dev.weft.test;

import dev.weft.observe.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One attempt of one call that a test's runtime ran: which function, with which arguments, which
 * attempt of its call, and how it ended. A call whose output a resumed request took from the
 * journal ran no attempt, so it has none. Immutable once {@link #ended()}; read it after the
 * request has finished.
 */
public final class RecordedAttempt {
  private final long order;
  private final String function;
  private final String requestId;
  private final int attempt;
  private final OptionalInt item;
  private volatile List<Object> args = List.of();
  private volatile Outcome outcome;
  private volatile Throwable failure;

  RecordedAttempt(long order, String function, String requestId, int attempt, OptionalInt item) {
    this.order = order;
    this.function = function;
    this.requestId = requestId;
    this.attempt = attempt;
    this.item = item;
  }

  /** The function's name, as {@code handle.name()} gives it. */
  public String function() {
    return function;
  }

  /** The arguments it was given (after their futures resolved); an unmodifiable list that may hold nulls. */
  public List<Object> args() {
    return args;
  }

  /** The attempt's number within its call, from 1; above 1 for a retry. */
  public int attempt() {
    return attempt;
  }

  /** The request it ran in. */
  public String requestId() {
    return requestId;
  }

  /** The item's index for an attempt of a map's item call; empty otherwise. */
  public OptionalInt item() {
    return item;
  }

  /** Its place among all attempts the test's runtime started, from 1 (start order). */
  public long order() {
    return order;
  }

  /** How it ended; empty while it runs. */
  public Optional<Outcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  /** Whether it has ended. */
  public boolean ended() {
    return outcome != null;
  }

  /** Whether it ended with a failure (to be retried or for good). */
  public boolean failed() {
    return outcome == Outcome.RETRYING || outcome == Outcome.FAILED;
  }

  /** What it failed with (a timeout is a {@code FunctionTimeoutException}); empty if it did not fail. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  void args(Object[] a) {
    this.args = java.util.Collections.unmodifiableList(java.util.Arrays.asList(a.clone()));
  }

  void ended(Outcome o, Throwable f) {
    this.failure = f;
    this.outcome = o;
  }

  @Override
  public String toString() {
    return function + args + " attempt " + attempt + (outcome == null ? " running" : " " + outcome)
        + (failure == null ? "" : " (" + failure + ")");
  }
}

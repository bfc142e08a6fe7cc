package dev.weft;

import java.time.Duration;

/** An {@link AsyncScope} ran past its deadline; its unfinished forks were cancelled. */
public class DeadlineExceededException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** The scope's {@code deadline} passed. */
  public DeadlineExceededException(Duration deadline) {
    super("the scope ran past its deadline of " + deadline.toMillis() + " ms; its unfinished forks were cancelled");
  }
}

package dev.weft.observe;

/** How a request or a call attempt ended, as an {@link Observation} is told. */
public enum Outcome {
  /** It returned its output. */
  SUCCEEDED,
  /** The attempt returned an unstarted future: the call goes on as that future (a tail call). */
  TAIL_CALL,
  /** The attempt failed and the call will run another attempt after its backoff. */
  RETRYING,
  /**
   * It failed for good: not retryable, or its retries are used up. An attempt that ran past its
   * timeout ends {@code RETRYING} or {@code FAILED} with a {@link dev.weft.FunctionTimeoutException}.
   */
  FAILED,
  /** It was cancelled (its request was cancelled, or a caller cancelled the future). */
  CANCELLED
}

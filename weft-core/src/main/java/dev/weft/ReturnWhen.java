package dev.weft;

/** When {@link Future#await} returns. */
public enum ReturnWhen {
  /** As soon as any future is done (with a value, a failure or cancelled). */
  FIRST_COMPLETED,
  /** As soon as any future fails or is cancelled, or when all are done. */
  FIRST_FAILURE,
  /** When every future is done. */
  ALL_COMPLETED
}

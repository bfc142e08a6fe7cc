package dev.weft;

/** What an {@link AsyncScope} does when one of its forks fails (other than by cancellation). */
public enum ErrorMode {
  /** Cancel every unfinished sibling (the default). */
  CANCEL,
  /** Let the siblings run on. */
  CONTINUE
}

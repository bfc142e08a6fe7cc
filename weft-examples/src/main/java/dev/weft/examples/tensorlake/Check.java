package dev.weft.examples.tensorlake;

import java.util.Objects;

/** Fails an example whose observed result is wrong, as {@link dev.weft.examples.Example#run} requires. */
final class Check {
  private Check() {}

  /**
   * Returns {@code actual} if it equals {@code expected}.
   *
   * @throws IllegalStateException naming {@code what}, the value seen and the value expected
   */
  static <T> T expect(String what, T actual, T expected) {
    if (!Objects.equals(actual, expected)) {
      throw new IllegalStateException(what + " was " + actual + ", expected " + expected);
    }
    return actual;
  }
}

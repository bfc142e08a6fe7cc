package dev.weft.examples;

import java.util.Objects;

/** Fails an example whose observed result is wrong, as {@link Example#run} requires; shared by all scenario packages. */
public final class Check {
  private Check() {}

  /**
   * Returns {@code actual} if it equals {@code expected}.
   *
   * @throws IllegalStateException naming {@code what}, the value seen and the value expected
   */
  public static <T> T expect(String what, T actual, T expected) {
    if (!Objects.equals(actual, expected)) {
      throw new IllegalStateException(what + " was " + actual + ", expected " + expected);
    }
    return actual;
  }
}

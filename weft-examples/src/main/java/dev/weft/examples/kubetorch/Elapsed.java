package dev.weft.examples.kubetorch;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

/** Whole milliseconds since a {@link System#nanoTime()} reading, as the examples print them. */
final class Elapsed {
  private Elapsed() {}

  static long since(long startNanos) {
    return NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}

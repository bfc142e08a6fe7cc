package dev.weft.bench;

import java.util.Arrays;

/**
 * A growable array of latency samples in nanoseconds, one per measuring thread (so adding takes
 * no lock); the harnesses merge them once a phase is over. Not thread-safe.
 */
final class Samples {
  long[] values = new long[1 << 14];
  int size;

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }
}

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

  /** All the samples of {@code all}, in one sorted array. */
  static long[] mergeSorted(java.util.List<Samples> all) {
    int total = all.stream().mapToInt(s -> s.size).sum();
    long[] merged = new long[total];
    int at = 0;
    for (Samples s : all) {
      System.arraycopy(s.values, 0, merged, at, s.size);
      at += s.size;
    }
    Arrays.sort(merged);
    return merged;
  }
}

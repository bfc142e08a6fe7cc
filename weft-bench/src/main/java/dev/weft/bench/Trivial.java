package dev.weft.bench;

import dev.weft.Function;

/**
 * The trivial sync functions the benchmarks call, so what they measure is Weft's own cost per
 * call (handle, future, dispatch to a virtual thread, completion) and not the work.
 */
final class Trivial {
  private Trivial() {}

  @Function
  static int inc(int x) {
    return x + 1;
  }

  @Function
  static int twice(int x) {
    return x * 2;
  }

  @Function
  static int add(int a, int b) {
    return a + b;
  }
}

package dev.weft.engine;

import java.time.Duration;

/**
 * How often and how far apart a failed call is tried again. Immutable.
 *
 * @param retries how many retries follow the first attempt (0..10)
 * @param initial the delay after the first failed attempt
 * @param multiplier growth per attempt (at least 1)
 * @param max the longest delay
 * @param jitter the fraction of each delay that is randomised away (0..1)
 */
record RetryPolicy(int retries, Duration initial, double multiplier, Duration max, double jitter) {

  static final RetryPolicy NONE = new RetryPolicy(0, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 0.5);

  RetryPolicy withRetries(int n) {
    return new RetryPolicy(n, initial, multiplier, max, jitter);
  }

  /**
   * The delay after failed attempt {@code attempt} (1-based): {@code min(max, initial *
   * multiplier^(attempt-1))}, less {@code jitter * random} of itself.
   *
   * @param random a number in [0, 1)
   */
  long delayNanos(int attempt, double random) {
    double base = initial.toNanos() * Math.pow(multiplier, attempt - 1);
    double capped = Math.min(base, max.toNanos());
    return (long) (capped * (1.0 - jitter * random));
  }
}

package dev.weft;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exponential backoff between retries of a {@link Function}: attempt {@code n} (counting from 1)
 * is followed by a delay of {@code min(max, initial * multiplier^(n-1))}, reduced by a random
 * fraction of up to {@code jitter} of itself so that many failing callers do not retry in step.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Backoff {
  /** The first delay, e.g. {@code "100ms"}; must be positive. */
  String initial() default "1s";

  /** Growth per attempt; must be at least 1.0. */
  double multiplier() default 2.0;

  /** The longest delay; must be at least {@link #initial()}. */
  String max() default "60s";

  /** Fraction of each delay that is randomised away, 0.0 (none) .. 1.0. */
  double jitter() default 0.5;
}

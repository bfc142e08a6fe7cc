package dev.weft.remote.worker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The outcome lines of calls a worker finished lately, by call id, so that a resend of a call
 * whose reply was lost on the way is answered with the outcome instead of running the call again.
 * Bounded three ways, oldest dropped first: by count, by total characters, and by age (a resend
 * comes moments after the reply it replaces, so a short memory is enough). An outcome longer than
 * {@link #maxOutcomeChars()} is not kept; the worker keeps a short stand-in for it instead.
 *
 * <p>Thread-safe: every method holds the instance's lock (they are short and do no I/O).
 */
final class KeptOutcomes {
  static final int MAX_COUNT = 4096;
  static final long MAX_CHARS = 32L << 20;
  static final Duration MAX_AGE = Duration.ofMinutes(2);

  private record Kept(String outcome, long keptAt) {}

  private final int maxCount;
  private final long maxChars;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  /** In the order kept, which is also the order of age: the eldest is dropped first. */
  private final LinkedHashMap<String, Kept> byId = new LinkedHashMap<>();
  private long chars;

  KeptOutcomes(int maxCount, long maxChars, Duration maxAge, LongSupplier nanoTime) {
    if (maxCount < 1 || maxChars < 1 || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("bounds must be positive: " + maxCount + ", " + maxChars + ", " + maxAge);
    }
    this.maxCount = maxCount;
    this.maxChars = maxChars;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * The standard bounds, with the character budget cut to an eighth of the heap on a small worker
   * (outcomes are mostly ASCII JSON, a byte a character), so that kept outcomes cannot crowd out
   * the calls themselves.
   */
  static KeptOutcomes standard() {
    long budget = Math.max(1 << 20, Math.min(MAX_CHARS, Runtime.getRuntime().maxMemory() / 8));
    return new KeptOutcomes(MAX_COUNT, budget, MAX_AGE, System::nanoTime);
  }

  /** The longest outcome kept: a quarter of the budget, so one large value does not flush all the others. */
  long maxOutcomeChars() {
    return maxChars / 4;
  }

  /** Keeps {@code outcome} for {@code id}, dropping the eldest ones over a bound; false if it is too long to keep. */
  synchronized boolean keep(String id, String outcome) {
    if (outcome.length() > maxOutcomeChars()) {
      return false;
    }
    long size = size(id, outcome);
    long now = nanoTime.getAsLong();
    Kept previous = byId.remove(id);
    if (previous != null) {
      chars -= size(id, previous.outcome());
    }
    byId.put(id, new Kept(outcome, now));
    chars += size;
    trim(now);
    return true;
  }

  /** The kept outcome of {@code id}, or null if it finished too long ago, was dropped, or is unknown here. */
  synchronized String get(String id) {
    trim(nanoTime.getAsLong());
    Kept k = byId.get(id);
    return k == null ? null : k.outcome();
  }

  synchronized int size() {
    return byId.size();
  }

  synchronized long chars() {
    return chars;
  }

  private void trim(long now) {
    Iterator<Map.Entry<String, Kept>> eldest = byId.entrySet().iterator();
    while (eldest.hasNext()) {
      Map.Entry<String, Kept> e = eldest.next();
      if (byId.size() <= maxCount && chars <= maxChars && now - e.getValue().keptAt() <= maxAgeNanos) {
        return;
      }
      chars -= size(e.getKey(), e.getValue().outcome());
      eldest.remove();
    }
  }

  private static long size(String id, String outcome) {
    return (long) id.length() + outcome.length();
  }
}

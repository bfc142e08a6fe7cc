package dev.weft.test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Assertions on what one function did in a test, from {@link TestWeft#assertThat(Object)}: each
 * throws an {@link AssertionError} that lists what ran, or returns this for the next. Reads the
 * attempts recorded when it was made; make it after the request has finished.
 */
public final class FunctionAssert {
  private final String function;
  private final List<RecordedAttempt> attempts;
  private final Supplier<List<RecordedAttempt>> all;

  FunctionAssert(String function, List<RecordedAttempt> attempts, Supplier<List<RecordedAttempt>> all) {
    this.function = function;
    this.attempts = attempts;
    this.all = all;
  }

  /** It ran at least once. */
  public FunctionAssert ran() {
    if (attempts.isEmpty()) {
      fail("expected " + function + " to run, but it never did");
    }
    return this;
  }

  /** It never ran (a call that took its output from the journal did not run). */
  public FunctionAssert neverRan() {
    if (!attempts.isEmpty()) {
      fail("expected " + function + " never to run, but it ran " + attempts.size() + " attempt(s)");
    }
    return this;
  }

  /** It was called {@code calls} times (retries of a call not counted). */
  public FunctionAssert calledTimes(int calls) {
    long n = attempts.stream().filter(a -> a.attempt() == 1).count();
    if (n != calls) {
      fail("expected " + function + " to be called " + calls + " time(s), but it was called " + n + " time(s)");
    }
    return this;
  }

  /** It ran {@code attempts} attempts in all (first attempts and retries). */
  public FunctionAssert attempted(int count) {
    if (attempts.size() != count) {
      fail("expected " + function + " to run " + count + " attempt(s), but it ran " + attempts.size());
    }
    return this;
  }

  /** Exactly {@code count} of its attempts failed (including timeouts). */
  public FunctionAssert failedAttempts(int count) {
    long n = attempts.stream().filter(RecordedAttempt::failed).count();
    if (n != count) {
      fail("expected " + count + " failed attempt(s) of " + function + ", but " + n + " failed");
    }
    return this;
  }

  /** Some attempt of it failed with an exception of {@code type} (a timeout is a {@code FunctionTimeoutException}). */
  public FunctionAssert failedWith(Class<? extends Throwable> type) {
    if (attempts.stream().noneMatch(a -> a.failure().filter(type::isInstance).isPresent())) {
      fail("expected an attempt of " + function + " to fail with " + type.getSimpleName() + ", but none did");
    }
    return this;
  }

  /** Some call of it had exactly these arguments ({@code equals}). */
  public FunctionAssert calledWith(Object... args) {
    List<Object> expected = Arrays.asList(args);
    if (attempts.stream().noneMatch(a -> a.args().equals(expected))) {
      fail("expected a call of " + function + " with " + expected + ", but its calls had " + argsInOrder());
    }
    return this;
  }

  /** Its calls had these argument lists, in this order (the order they started: a reduce's steps in turn). */
  @SafeVarargs
  public final FunctionAssert calledInOrderWith(List<Object>... args) {
    List<List<Object>> expected = Arrays.asList(args);
    if (!argsInOrder().equals(expected)) {
      fail("expected the calls of " + function + " to have " + expected + " in order, but they had " + argsInOrder());
    }
    return this;
  }

  /** The arguments of its calls (first attempts), in start order. */
  public List<List<Object>> argsInOrder() {
    return attempts.stream().filter(a -> a.attempt() == 1).map(RecordedAttempt::args).toList();
  }

  private void fail(String message) {
    StringBuilder b = new StringBuilder(message).append("\nattempts this runtime ran, in order:");
    List<RecordedAttempt> everything = all.get();
    if (everything.isEmpty()) {
      b.append(" none");
    }
    for (RecordedAttempt a : everything) {
      b.append("\n  ").append(a);
    }
    throw new AssertionError(b.toString());
  }
}

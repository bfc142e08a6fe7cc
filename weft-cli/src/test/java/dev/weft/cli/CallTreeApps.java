package dev.weft.cli;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An application whose call tree has a map of three calls, a retried call and a failed call. */
public final class CallTreeApps {
  /** Counts the attempts of {@link #flaky}: every odd attempt fails. */
  static final AtomicInteger FLAKY_ATTEMPTS = new AtomicInteger();

  private CallTreeApps() {}

  /** Maps {@link #square} over 1..3, calls {@link #flaky} (retried once), then {@link #broken}. */
  @Application(description = "A map of three calls, a retried call, then a call that fails")
  @Function(retries = 0)
  static String tree(String label) {
    List<Integer> squares = Weft.fn(CallTreeApps::square).map(List.of(1, 2, 3)).result();
    int flaky = Weft.fn(CallTreeApps::flaky).call(squares.size());
    return Weft.fn(CallTreeApps::broken).call(label + flaky);
  }

  @Function
  static int square(int x) {
    return x * x;
  }

  @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "10ms"))
  static int flaky(int x) {
    if (FLAKY_ATTEMPTS.incrementAndGet() % 2 == 1) {
      throw new IllegalStateException("flaky on its first try");
    }
    return x;
  }

  @Function(retries = 0)
  static String broken(String label) {
    throw new IllegalArgumentException("broken for " + label);
  }
}

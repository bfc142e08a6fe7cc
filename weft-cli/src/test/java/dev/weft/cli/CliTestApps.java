package dev.weft.cli;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.RequestContext;
import dev.weft.RequestError;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;

/**
 * Applications the CLI tests run on a real server: in process (through {@link TestServer}) and in
 * the server processes the tests start, which find them by scanning the test class path.
 */
public final class CliTestApps {
  private CliTestApps() {}

  /** The output of {@link #countTo}. */
  public record Counted(int sum, List<Integer> steps) {}

  /** Calls {@link #step} for 1..n one after another, reporting progress after each. */
  @Application(description = "Counts to n, one call per step, reporting progress")
  @Function
  static Counted countTo(int n) {
    if (n < 0) {
      throw new RequestError("n must not be negative, was " + n);
    }
    RequestContext context = RequestContext.current();
    List<Integer> steps = new ArrayList<>();
    int sum = 0;
    for (int i = 1; i <= n; i++) {
      int value = Weft.fn(CliTestApps::step).call(i);
      steps.add(value);
      sum += value;
      context.progress().update(i, n, "step " + i);
    }
    return new Counted(sum, steps);
  }

  @Function
  static int step(int i) {
    return i;
  }

  /** Fails the request with {@code message}. */
  @Application(description = "Fails with the message it is given")
  @Function
  static String fail(String message) {
    throw new RequestError(message);
  }

  /** Never connects: no message, as the JDK throws it; retried twice. */
  @Function(retries = 2, backoff = @dev.weft.Backoff(initial = "1ms", max = "2ms"))
  static String dial(String host) throws java.net.ConnectException {
    throw new java.net.ConnectException();
  }

  /** Fails the request after every attempt of {@link #dial} failed to connect. */
  @Application(description = "Connects to a host that never answers")
  @Function(retries = 0)
  static String connect(String host) {
    return Weft.fn(CliTestApps::dial).call(host);
  }

  /** Sleeps for {@code seconds}, or until cancelled. */
  @Application(description = "Sleeps for the given seconds (until cancelled)")
  @Function(timeout = "1m")
  static String sleep(int seconds) throws InterruptedException {
    Thread.sleep(seconds * 1000L);
    return "woke up";
  }
}

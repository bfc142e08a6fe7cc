package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine logs each failed request and each retry through System.Logger, which the JDK routes
 * to java.util.logging when no other LoggerFinder is installed: a JUL handler sees them.
 */
final class FailureLoggingTest {
  static final AtomicInteger ATTEMPTS = new AtomicInteger();

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  // held so that the configured loggers are not collected (JUL keeps them weakly)
  private Logger requests;
  private Logger calls;
  private WeftRuntime runtime;

  @Application @Function(retries = 0)
  static String failsAfterRetries(String x) {
    return Weft.fn(FailureLoggingTest::alwaysFails).call(x);
  }

  @Function(retries = 2, backoff = @Backoff(initial = "1ms", max = "1ms"))
  static String alwaysFails(String x) {
    ATTEMPTS.incrementAndGet();
    throw new IllegalStateException();
  }

  @BeforeEach
  void listen() {
    requests = Logger.getLogger("dev.weft.requests");
    calls = Logger.getLogger("dev.weft.calls");
    requests.addHandler(handler);
    calls.addHandler(handler);
    runtime = WeftRuntime.builder().eventLoops(1).build();
  }

  @AfterEach
  void stop() {
    requests.removeHandler(handler);
    calls.removeHandler(handler);
    runtime.close();
  }

  @Test
  void submit_callRetriedThenFails_logsEachRetryAndTheFailedRequest() {
    Request<String> request = runtime.submit(Weft.fn(FailureLoggingTest::failsAfterRetries), "x");

    assertThatThrownBy(request::result).isInstanceOf(RuntimeException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> records.stream()
        .anyMatch(r -> r.getLoggerName().equals("dev.weft.requests")));

    List<String> retries = records.stream().filter(r -> r.getLoggerName().equals("dev.weft.calls"))
        .peek(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO)).map(LogRecord::getMessage).toList();
    assertThat(retries).containsExactly(
        "request " + request.id() + ": FailureLoggingTest.alwaysFails attempt 1 of 3 failed, retrying: "
            + "java.lang.IllegalStateException (no message)",
        "request " + request.id() + ": FailureLoggingTest.alwaysFails attempt 2 of 3 failed, retrying: "
            + "java.lang.IllegalStateException (no message)");
    LogRecord failed = records.stream().filter(r -> r.getLoggerName().equals("dev.weft.requests"))
        .findFirst().orElseThrow();
    assertThat(failed.getLevel()).isEqualTo(Level.WARNING);
    assertThat(failed.getMessage())
        .startsWith("request " + request.id() + " (application FailureLoggingTest.failsAfterRetries) failed: ")
        .contains("java.lang.IllegalStateException");
    assertThat(failed.getThrown()).isNotNull();
  }
}

package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.RequestInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A failed request's recorded error says which function, which attempt of how many, the type, message and causes. */
final class FailureTextTest {
  static final AtomicInteger FETCHES = new AtomicInteger();

  @Function(retries = 2, backoff = @Backoff(initial = "1ms", max = "2ms"))
  static String fetch(String url) throws ConnectException {
    FETCHES.incrementAndGet();
    throw new ConnectException(); // no message, as the JDK's HTTP client throws it
  }

  @Application @Function(retries = 0)
  static String page(String url) {
    return Weft.fn(FailureTextTest::fetch).call(url);
  }

  @Function(retries = 1, backoff = @Backoff(initial = "1ms", max = "2ms"))
  static String parse(String text) {
    throw new IllegalStateException("cannot parse " + text,
        new IOException("", new ConnectException("Connection refused")));
  }

  @Application @Function(retries = 0)
  static String nested(String text) {
    return Weft.fn(FailureTextTest::parse).call(text);
  }

  @Application @Function(retries = 3)
  static String misused(String text) {
    throw new UsageException("pass a URL, not " + text);
  }

  private static RequestInfo failed(InMemoryJournal journal, Request<?> request, Class<?> thrownType) {
    Throwable thrown = catchThrowable(request::result);
    assertThat(thrown).as("Java callers still get the exception as thrown").isInstanceOf(thrownType);
    RequestInfo info = journal.info(request.id()).orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.FAILED);
    return info;
  }

  @Test
  void failed_retriesExhaustedWithEmptyMessage_namesFunctionAttemptAndType() {
    InMemoryJournal journal = new InMemoryJournal();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      FETCHES.set(0);
      Request<String> request = runtime.submit(Weft.fn(FailureTextTest::page), "https://example.test");

      RequestInfo info = failed(journal, request, FunctionException.class);

      assertThat(FETCHES).hasValue(3);
      assertThat(info.errorType()).as("the type Java callers catch").hasValue("dev.weft.FunctionException");
      assertThat(info.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .endsWith("FailureTextTest.fetch failed on attempt 3 of 3: java.net.ConnectException (no message)"));
    }
  }

  @Test
  void failed_nestedCauses_listsTheCauseChain() {
    InMemoryJournal journal = new InMemoryJournal();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<String> request = runtime.submit(Weft.fn(FailureTextTest::nested), "x");

      RequestInfo info = failed(journal, request, IllegalStateException.class);

      assertThat(info.errorMessage()).hasValueSatisfying(m -> assertThat(m).endsWith(
          "FailureTextTest.parse failed on attempt 2 of 2: java.lang.IllegalStateException: cannot parse x;"
              + " caused by java.io.IOException (no message);"
              + " caused by java.net.ConnectException: Connection refused"));
    }
  }

  @Test
  void failed_notRetryable_saysItWasNotRetried() {
    InMemoryJournal journal = new InMemoryJournal();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<String> request = runtime.submit(Weft.fn(FailureTextTest::misused), "x");

      RequestInfo info = failed(journal, request, UsageException.class);

      assertThat(info.errorMessage()).hasValueSatisfying(m -> assertThat(m).endsWith(
          "FailureTextTest.misused failed on attempt 1 (not retried: another attempt would fail the same way):"
              + " dev.weft.UsageException: pass a URL, not x"));
    }
  }
}

package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.IdempotencyKeyReusedException;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the journal throws, as HTTP: unavailable is 503 with Retry-After, a reused idempotency
 * key is 409, anything else is a 500 that names nothing internal. The journal is a decorator of
 * an in-memory one that throws on demand.
 */
final class JournalErrorsTest extends ServerTestSupport {
  private static final String SECRET = "/var/lib/weft/secret/weft.db: SQLITE_IOERR in org.sqlite.Core";

  /** What the decorator throws from {@code create}, if anything. */
  private volatile RuntimeException onCreate;
  /** What the decorator throws from {@code info}, if anything. */
  private volatile RuntimeException onInfo;

  @Override
  Journal newJournal(Path dir) {
    Journal real = new InMemoryJournal();
    return new Journal() {
      @Override
      public RequestLog create(NewRequest request) {
        RuntimeException e = onCreate;
        if (e != null) {
          throw e;
        }
        return real.create(request);
      }

      @Override
      public Optional<RequestLog> reopen(String requestId) {
        return real.reopen(requestId);
      }

      @Override
      public List<RequestInfo> unfinished() {
        return real.unfinished();
      }

      @Override
      public Optional<RequestInfo> info(String requestId) {
        RuntimeException e = onInfo;
        if (e != null) {
          throw e;
        }
        return real.info(requestId);
      }

      @Override
      public RequestPage list(RequestQuery query) {
        return real.list(query);
      }

      @Override
      public Optional<Object> output(String requestId, Type declared) {
        return real.output(requestId, declared);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  @Test
  void submit_journalUnavailable_503RetryAfterWithoutInternalText() {
    onCreate = new JournalUnavailableException("the disk is full at " + SECRET, new java.io.IOException(SECRET));

    Response r = post("/v1/applications/TestApps.inc", "1");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.code()).isEqualTo("journal_unavailable");
    assertThat(r.headers().firstValue("Retry-After")).hasValue(Service.RETRY_AFTER_SECONDS);
    assertThat(r.message()).contains("try again").doesNotContain("/var").doesNotContain("SQLITE")
        .doesNotContain("Exception");
  }

  @Test
  void submit_journalUnavailableThenBack_nextSubmitAccepted() {
    onCreate = new JournalUnavailableException("full", null);
    assertThat(post("/v1/applications/TestApps.inc", "1").status()).isEqualTo(503);

    onCreate = null;

    assertThat(run("TestApps.inc", "1").get("output").asInt()).isEqualTo(2);
  }

  @Test
  void submit_keyReusedWithAnotherInput_409IdempotencyKeyReused() {
    onCreate = new IdempotencyKeyReusedException("k-1", "TestApps.inc", "key k-1 was used with another input");

    Response r = post("/v1/applications/TestApps.inc", "5", "Idempotency-Key", "k-1");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("idempotency_key_reused");
    assertThat(r.message()).contains("k-1").contains("another input").contains("new key");
  }

  @Test
  void submit_keyReusedForAnotherApplication_409NamesIt() {
    onCreate = new IdempotencyKeyReusedException("k-2", "TestApps.order", "key k-2 belongs to TestApps.order");

    Response r = post("/v1/applications/TestApps.inc", "5", "Idempotency-Key", "k-2");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("idempotency_key_reused");
    assertThat(r.message()).contains("TestApps.order");
  }

  @Test
  void read_journalFailsUnexpectedly_500NamesNothingInternal() {
    onInfo = new IllegalStateException(SECRET);

    Response r = get("/v1/requests/some-id");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("internal_error");
    assertThat(r.message()).contains("log").doesNotContain("/var").doesNotContain("SQLITE")
        .doesNotContain("IllegalStateException").doesNotContain("org.");
  }
}

package dev.weft;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.journal.DurableId;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Regression: a journal that throws while recording (e.g. closed during shutdown) left requests hanging. */
final class FailingJournalTest {
  @Application @Function static int fails(int x) { throw new IllegalArgumentException("no " + x); }
  @Application @Function static int works(int x) { return x; }

  @Test
  void journalThrowingOnAttemptFailed_requestStillFailsPromptly() {
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new Throwing(new InMemoryJournal())).build()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(FailingJournalTest::fails), 1).result(Duration.ofSeconds(10)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no 1");
    }
  }

  @Test
  void journalThrowingOnCompleted_requestFailsSayingTheOutputWasNotJournaled() {
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new Throwing(new InMemoryJournal())).build()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(FailingJournalTest::works), 1).result(Duration.ofSeconds(10)))
          .isInstanceOf(WeftException.class)
          .hasMessageContaining("could not be journaled");
    }
  }

  /** Delegates everything, but recording a call's outcome throws as a closed journal does. */
  private record Throwing(Journal inner) implements Journal {
    @Override public RequestLog create(NewRequest request) { return new Log(inner.create(request)); }
    @Override public Optional<RequestLog> reopen(String id) { return inner.reopen(id).map(Log::new); }
    @Override public List<RequestInfo> unfinished() { return inner.unfinished(); }
    @Override public Optional<RequestInfo> info(String id) { return inner.info(id); }
    @Override public RequestPage list(RequestQuery query) { return inner.list(query); }
    @Override public Optional<Object> output(String id, Type declared) { return inner.output(id, declared); }
  }

  private record Log(RequestLog inner) implements RequestLog {
    @Override public String requestId() { return inner.requestId(); }
    @Override public boolean isNew() { return inner.isNew(); }
    @Override public Object input(Type declared) { return inner.input(declared); }
    @Override public Optional<Recorded> find(DurableId call, Type declared) { return inner.find(call, declared); }
    @Override public int failedAttempts(DurableId call) { return inner.failedAttempts(call); }
    @Override public void started(DurableId c, Optional<DurableId> p, String f, Object[] a, Type[] t) { inner.started(c, p, f, a, t); }
    @Override public void completed(DurableId c, String f, Object o, Type d) { throw new IllegalStateException("journal is closed"); }
    @Override public void attemptFailed(DurableId c, String f, int n, Throwable e, boolean r) { throw new IllegalStateException("journal is closed"); }
    @Override public void progress(ProgressUpdate u) { inner.progress(u); }
    @Override public void finished(RequestState s, Object o, Type t, Optional<Throwable> e) { inner.finished(s, o, t, e); }
  }
}

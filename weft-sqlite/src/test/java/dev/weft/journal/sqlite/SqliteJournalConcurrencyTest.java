package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestQuery;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads recording and reading at once. */
final class SqliteJournalConcurrencyTest {
  static final DurableId ROOT = DurableId.root("app");

  @TempDir Path dir;

  @Test
  void manyThreadsRecordingAtOnce_everyRecordIsCommitted_andEveryReadSeesItsOwnWrites() throws Exception {
    Path file = dir.resolve("j.db");
    int threads = 16;
    int requests = 8;
    int callsPerThread = 2_000;
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    try (SqliteJournal journal = SqliteJournal.open(file);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<RequestLog> logs = new ArrayList<>();
      for (int r = 0; r < requests; r++) {
        logs.add(journal.create(new NewRequest("r" + r, "app", r, Integer.class, Optional.empty())));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        RequestLog log = logs.get(t % requests);
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < callsPerThread; i++) {
            DurableId call = ROOT.child((long) thread * callsPerThread + i, 'c', "f");
            if (log.find(call, int.class).isPresent()) {
              problems.add("found " + call + " before it ran");
            }
            log.started(call, Optional.of(ROOT), "f", new Object[] {i}, new Type[] {int.class});
            if (i % 10 == 0) {
              log.attemptFailed(call, "f", 1, new IllegalStateException("flaky"), true);
            }
            log.completed(call, "f", i, int.class);
            Optional<RequestLog.Recorded> seen = log.find(call, int.class);
            if (!seen.equals(Optional.of(new RequestLog.Recorded(i)))) {
              problems.add("read back " + seen + " for " + call);
            }
            if (i % 10 == 0 && log.failedAttempts(call) != 1) {
              problems.add("failures of " + call + ": " + log.failedAttempts(call));
            }
            if (i % 500 == 0) {
              journal.list(RequestQuery.all(5)); // readers beside the writer
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      for (RequestLog log : logs) {
        log.finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
      }
      journal.flush();
      assertThat(problems).isEmpty();
      assertThat(journal.unfinished()).isEmpty();
      assertThat(journal.stats().commits()).as("group commit").isLessThan(journal.stats().records() / 10);
    }
    long total = (long) threads * callsPerThread;
    assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE state = 'SUCCEEDED'")).isEqualTo(total);
    assertThat(Sql.count(file, "SELECT sum(failed_attempts) FROM calls")).isEqualTo(total / 10);
    assertThat(Sql.count(file, "SELECT count(*) FROM requests WHERE state = 'SUCCEEDED'")).isEqualTo(requests);
  }
}

package dev.weft.journal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fencing under churn: node A keeps writing to 100 requests whose leases it never renews, while
 * node B claims them as they expire and writes its own outputs. Whatever the interleaving, no
 * write of A lands after B's claim, and A is told of each lost request once.
 */
@Tag("stress")
final class PostgresJournalFencingStressTest {
  private static final DurableId ROOT = DurableId.root("App.run");
  private static final DurableId CALL = ROOT.child(0, 'c', "App.step");

  private final TestDb db = new TestDb();
  private final List<PostgresJournal> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(PostgresJournal::close);
    db.close();
  }

  @Test
  void staleNodeWritingWhileAnotherClaims_neverOverwritesTheClaimersOutputs() throws Exception {
    PostgresJournal a = PostgresJournal.open(db.options("node-a").withLeaseDuration(Duration.ofMillis(300)));
    opened.add(a);
    PostgresJournal b = PostgresJournal.open(db.options("node-b").withLeaseDuration(Duration.ofSeconds(60)));
    opened.add(b);
    Map<String, Integer> toldA = new ConcurrentHashMap<>();
    a.onLeaseLost(id -> toldA.merge(id, 1, Integer::sum));
    List<RequestLog> logsA = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      logsA.add(a.create(new NewRequest("s-" + i, "App.run", i, int.class, Optional.empty())));
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = Thread.ofPlatform().name("stale-writer").start(() -> {
      for (int round = 0; !stop.get(); round++) {
        for (RequestLog log : logsA) {
          log.completed(CALL, "App.step", -1 - round, int.class); // A's values are negative
        }
        a.flush();
      }
    });
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (PostgresJournal.Claim claim : b.claimExpired(7)) {
          RequestLog log = b.reopen(claim.requestId()).orElseThrow();
          log.completed(CALL, "App.step", 1_000 + claimed.size(), int.class);
          claimed.add(claim.requestId());
        }
        b.flush();
        return claimed.size() == 100;
      });
    } finally {
      stop.set(true);
      writer.join(30_000);
    }
    a.flush();

    assertThat(db.count("SELECT count(*) FROM calls WHERE output::int < 0")).as("A's writes after B's claims")
        .isZero();
    assertThat(db.count("SELECT count(*) FROM calls WHERE output::int >= 1000")).isEqualTo(100);
    assertThat(toldA.keySet()).hasSize(100);
    assertThat(toldA.values()).allMatch(n -> n == 1);
  }
}

package dev.weft.journal.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One listener of the journal's channel on a dedicated connection of its own, read by one thread
 * (named {@code weft-journal-listen}); after a failure it reconnects with a backoff (100 ms
 * doubling to 2 s), so notifications sent meanwhile are missed: callers keep a polling fallback.
 */
final class Notifications implements AutoCloseable {
  private final PostgresJournal journal;
  private final Consumer<String> listener;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile Connection conn;

  Notifications(PostgresJournal journal, Consumer<String> listener) {
    this.journal = journal;
    this.listener = listener;
    this.thread = Thread.ofPlatform().name("weft-journal-listen").daemon(true).unstarted(this::run);
    thread.start();
  }

  /** Waits (up to {@code millis}) until the first LISTEN is in place; false if it is not yet. */
  boolean awaitListening(long millis) throws InterruptedException {
    return listening.await(millis, TimeUnit.MILLISECONDS);
  }

  private void run() {
    long backoff = 100;
    try {
      while (!closed) {
        try (Connection c = journal.connect()) {
          conn = c;
          try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + journal.channel());
          }
          listening.countDown();
          backoff = 100;
          PGConnection pg = c.unwrap(PGConnection.class);
          while (!closed) {
            PGNotification[] got = pg.getNotifications(500);
            if (got == null) {
              continue;
            }
            for (PGNotification n : got) {
              try {
                listener.accept(n.getParameter());
              } catch (RuntimeException e) {
                PostgresJournal.LOG.log(System.Logger.Level.WARNING, "a journal notification listener failed", e);
              }
            }
          }
        } catch (SQLException e) {
          if (closed) {
            return;
          }
          PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal " + journal + ": listening failed ("
              + Writer.oneLine(e) + "); reconnecting in " + backoff + " ms");
          try {
            Thread.sleep(backoff); // a backoff between reconnects
          } catch (InterruptedException ie) {
            return;
          }
          backoff = Math.min(2_000, backoff * 2);
        } finally {
          conn = null;
        }
      }
    } finally {
      stopped.countDown();
    }
  }

  /** Stops listening and closes the connection; waits for the thread (at most a few seconds). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      if (!stopped.await(5, TimeUnit.SECONDS)) {
        PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal listener did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

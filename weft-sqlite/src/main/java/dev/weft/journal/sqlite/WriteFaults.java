package dev.weft.journal.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The fault-injection seam of the writer, for tests only (package-private; production code passes
 * {@link #NONE}): the writer calls {@link #beforeTransaction} on its own thread, with its own
 * connection, before every transaction, including the first after it reconnected. A test
 * simulates a full disk deterministically by lowering SQLite's {@code PRAGMA max_page_count} to
 * the file's size there (every write that needs a new page then fails with the real
 * {@code SQLITE_FULL}, through the same driver paths as a full disk), and frees it by raising it
 * again; or holds the writer still, to fill its queue.
 */
@FunctionalInterface
interface WriteFaults {
  /** No faults. */
  WriteFaults NONE = conn -> { };

  /** Runs on the writer thread before each transaction; may change the connection or block. */
  void beforeTransaction(Connection conn) throws SQLException;
}

package dev.weft.journal.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A full disk, the real way SQLite sees one: while {@link #full}, {@code max_page_count} is
 * lowered to the file's size before each transaction, so a write that needs a new page fails
 * with {@code SQLITE_FULL}; once cleared, writes succeed again. Shared with other modules' tests
 * through this module's test jar.
 */
final class DiskFull implements WriteFaults {
  volatile boolean full;

  @Override
  public void beforeTransaction(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      if (full) {
        long pages;
        try (ResultSet rs = st.executeQuery("PRAGMA page_count")) {
          rs.next();
          pages = rs.getLong(1);
        }
        st.execute("PRAGMA max_page_count = " + pages);
      } else {
        st.execute("PRAGMA max_page_count = 4294967294");
      }
    }
  }
}

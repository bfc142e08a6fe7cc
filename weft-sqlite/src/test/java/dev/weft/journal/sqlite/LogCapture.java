package dev.weft.journal.sqlite;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the journal logs at WARNING and above while open (System.Logger goes to java.util.logging). */
final class LogCapture implements AutoCloseable {
  private final Logger logger = Logger.getLogger(SqliteJournal.class.getName());
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  LogCapture() {
    logger.addHandler(handler);
  }

  List<String> warnings() {
    return warnings;
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}

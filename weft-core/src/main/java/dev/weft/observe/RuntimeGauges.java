package dev.weft.observe;

/**
 * Values an observer may read whenever it likes (a metrics registry's gauges do, when scraped).
 * Thread-safe; each read is cheap and never blocks. Reads after the runtime closed return what
 * is left (typically zero).
 */
public interface RuntimeGauges {
  /** Requests running in this runtime now. */
  int runningRequests();

  /** Tasks waiting in the event loops' queues now (async attempts, stage callbacks, timers due). */
  int queuedLoopTasks();

  /** Records the runtime's journal has accepted and not yet started to write. */
  int queuedJournalWrites();

  /** How many event loops the runtime has. */
  int eventLoops();
}

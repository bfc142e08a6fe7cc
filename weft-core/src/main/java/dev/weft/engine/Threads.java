package dev.weft.engine;

import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadFactory;

/**
 * The one place Weft makes threads. Names say the role ({@code weft-call} virtual threads run
 * sync functions (one fixed name: a numbered name costs a string per call), {@code weft-loop-N} invoke async ones, {@code weft-timer} and
 * {@code weft-watchdog} are the runtime's own); every thread logs what escapes it.
 */
final class Threads {
  private static final System.Logger LOG = System.getLogger("dev.weft");
  private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
      (thread, e) -> LOG.log(Level.ERROR, "uncaught in " + thread.getName(), e);
  private static final ThreadFactory CALLS =
      Thread.ofVirtual().name("weft-call").uncaughtExceptionHandler(LOG_UNCAUGHT).factory();

  private Threads() {}

  /** Starts {@code task} on a new virtual thread and returns it. */
  static Thread startCall(Runnable task) {
    Thread t = CALLS.newThread(task);
    t.start();
    return t;
  }

  /** Starts a daemon platform thread for one of the runtime's own roles. */
  static Thread startDaemon(String name, Runnable task) {
    Thread t = Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(task);
    t.start();
    return t;
  }

  static System.Logger log() {
    return LOG;
  }
}

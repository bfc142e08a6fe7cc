package dev.weft;

/**
 * An async function blocked its event-loop thread longer than the runtime's threshold, and the
 * runtime was configured to fail such calls ({@link WeftRuntime.Builder#failOnBlockedLoop}).
 * The stack of the blocked thread, as seen when it was detected, is this exception's stack.
 */
public class BlockedEventLoopException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** A blocked loop report with the blocked thread's stack. */
  public BlockedEventLoopException(String message, StackTraceElement[] blockedStack) {
    super(message);
    setStackTrace(blockedStack);
  }
}

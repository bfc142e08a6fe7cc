package dev.weft;

/**
 * An async function blocked its event-loop thread longer than the runtime's threshold, and the
 * runtime was configured to fail such calls ({@link WeftRuntime.Builder#failOnBlockedLoop}).
 * The stack of the blocked thread, as seen when it was detected, is this exception's stack.
 */
public class BlockedEventLoopException extends WeftException {
  private static final long serialVersionUID = 1L;
  private final String threadName;

  /** A blocked loop report with the blocked thread's stack. */
  public BlockedEventLoopException(String message, StackTraceElement[] blockedStack) {
    this(message, blockedStack, null);
  }

  /** A blocked loop report naming the blocked thread. */
  public BlockedEventLoopException(String message, StackTraceElement[] blockedStack, String threadName) {
    super(message);
    setStackTrace(blockedStack);
    this.threadName = threadName;
  }

  /** The name of the event-loop thread that was blocked, if known. */
  public java.util.Optional<String> threadName() {
    return java.util.Optional.ofNullable(threadName);
  }
}

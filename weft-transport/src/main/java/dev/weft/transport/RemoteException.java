package dev.weft.transport;

import dev.weft.WeftException;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure raised in another process (a remote worker, another service) whose exception type could
 * not be re-created here: the class is not on this side's class path, is not a {@link Throwable},
 * or has no public {@code (String)} constructor. It keeps what the other side said: the original
 * type name, the message and where it came from, and its stack trace <em>is</em> the remote stack
 * (followed by one frame naming the origin), so logs show where it really failed.
 *
 * <p>Made by {@link ErrorPayload#toThrowable(ClassLoader, String)}; callers match on {@link
 * #remoteType()} rather than on a Java type. Immutable apart from the inherited {@code Throwable}
 * state (stack trace, suppressed exceptions), which follows {@link Throwable}'s own rules.
 */
public class RemoteException extends WeftException {
  private static final long serialVersionUID = 1L;

  private final String remoteType;
  private final String remoteMessage;
  private final String origin;

  /**
   * A remote failure of type {@code remoteType} (a binary class name such as {@code
   * com.acme.PaymentDeclined}) with its message (may be {@code null}, as {@link
   * Throwable#getMessage()} may) that happened at {@code origin} (such as {@code "worker w-3, pid
   * 4711"}).
   */
  public RemoteException(String remoteType, String remoteMessage, String origin) {
    super(describe(remoteType, remoteMessage, origin));
    this.remoteType = Objects.requireNonNull(remoteType, "remoteType");
    this.remoteMessage = remoteMessage;
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /** The binary name of the exception class on the remote side. */
  public String remoteType() {
    return remoteType;
  }

  /** The remote exception's own message, if it had one. */
  public Optional<String> remoteMessage() {
    return Optional.ofNullable(remoteMessage);
  }

  /** Where the failure happened, as given by the receiver (for example a worker and its pid). */
  public String origin() {
    return origin;
  }

  private static String describe(String type, String message, String origin) {
    return type + (message == null ? "" : ": " + message) + " [remote: " + origin + "]";
  }
}

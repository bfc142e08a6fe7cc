package dev.weft.remote;

import dev.weft.WeftException;

/**
 * A remote call could not complete because its service did not answer: the worker died during
 * the call (it may or may not have run) and no retry was left, its replies were lost again and
 * again although it still answered (the call ran at most once there), or no replica could be
 * reached or restarted in the time the call had. The message names the service, the function,
 * the process and what to do. Immutable apart from {@link Throwable}'s own state.
 */
public class ServiceUnavailableException extends WeftException {
  private static final long serialVersionUID = 1L;

  public ServiceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Also what a worker's report of this failure is re-created with on the caller's side. */
  public ServiceUnavailableException(String message) {
    super(message);
  }
}

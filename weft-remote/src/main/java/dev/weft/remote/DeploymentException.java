package dev.weft.remote;

import dev.weft.WeftException;

/**
 * A service could not be deployed: a worker did not become healthy within the launch timeout,
 * exited while starting, could not load what it was to run, or the back end cannot provide what
 * the {@link Compute} asks for. The message says which, and ends with the last lines the worker
 * wrote when there are any. Immutable apart from {@link Throwable}'s own state.
 */
public class DeploymentException extends WeftException {
  private static final long serialVersionUID = 1L;

  public DeploymentException(String message) {
    super(message);
  }

  public DeploymentException(String message, Throwable cause) {
    super(message, cause);
  }
}

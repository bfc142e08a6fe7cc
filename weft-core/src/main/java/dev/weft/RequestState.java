package dev.weft;

/** Where a request is. */
public enum RequestState {
  /** Accepted and not finished (running, or waiting to be resumed after a restart). */
  RUNNING,
  /** Finished with an output. */
  SUCCEEDED,
  /** Finished with a failure. */
  FAILED,
  /** Cancelled. */
  CANCELLED;

  /** Whether the request has finished. */
  public boolean finished() {
    return this != RUNNING;
  }
}

package dev.weft.fleet;

import dev.weft.WeftException;

/**
 * What a waiter on this node gets from {@link dev.weft.Request#result()} when the node lost the
 * request's lease while running it: the node stalled (GC, SIGSTOP) or could not reach PostgreSQL
 * for longer than the lease, and another node may have taken the request over. The request is
 * not over: it goes on (or already finished) on whichever node holds its lease now, and its
 * outcome is in the journal; ask any node for it. Nothing this node wrote after the loss was kept.
 */
public final class LeaseLostException extends WeftException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final String nodeId;

  /** For request {@code requestId}, whose lease node {@code nodeId} lost. */
  public LeaseLostException(String requestId, String nodeId) {
    super("request " + requestId + " no longer runs on node " + nodeId + ": its lease was lost (the node stalled "
        + "or could not reach PostgreSQL for longer than the lease); another node resumes it from the journal. "
        + "Ask any node of the fleet for its outcome.");
    this.requestId = requestId;
    this.nodeId = nodeId;
  }

  /** The request whose lease was lost. */
  public String requestId() {
    return requestId;
  }

  /** The node that lost it. */
  public String nodeId() {
    return nodeId;
  }
}

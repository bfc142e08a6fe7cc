package dev.weft;

import java.util.List;

/**
 * An {@link AsyncScope} with {@link ExitMode#RAISE} closed while results it forked had never been
 * awaited. The message lists where each was forked; each fork site is also attached as a
 * suppressed exception whose stack is the stack at the fork.
 */
public class UnawaitedResultException extends WeftException {
  private static final long serialVersionUID = 1L;
  private final List<String> forks;

  /** {@code forks} describes each unawaited result; {@code sites} are their fork stacks. */
  public UnawaitedResultException(List<String> forks, List<Throwable> sites) {
    super(forks.size() + " forked result(s) were never awaited: " + String.join("; ", forks)
        + ". Await each with block(), value() or a stage method before the scope closes, or use ExitMode.WAIT/CANCEL");
    this.forks = List.copyOf(forks);
    sites.forEach(this::addSuppressed);
  }

  /** One line per unawaited result: what was forked and where. */
  public List<String> forks() {
    return forks;
  }
}

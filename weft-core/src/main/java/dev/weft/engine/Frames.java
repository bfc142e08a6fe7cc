package dev.weft.engine;

import dev.weft.RequestContext;
import dev.weft.UsageException;

/** The frame of the function running on this thread (a thread-local), and its propagation. */
public final class Frames {
  private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

  private Frames() {}

  /** For {@link RequestContext#current()}. */
  public static RequestContext requireCurrent() {
    Frame f = CURRENT.get();
    if (f == null || f.isLocalRoot()) {
      throw new UsageException("RequestContext.current() is only available while a Weft function runs "
          + "(in its body or in stage callbacks it registered); call it from inside a @Function");
    }
    return f;
  }

  /** The current frame, or the local root of the shared engine when no function runs here. */
  static Frame currentOrLocal() {
    Frame f = CURRENT.get();
    return f != null ? f : Engine.shared().localRoot();
  }

  /**
   * Adds to an outgoing remote call the headers that carry the calling attempt's context to the
   * worker (for tracing), if the runtime running it is observed; otherwise adds nothing. Call it
   * on the thread making the call.
   */
  public static void injectObservation(java.util.function.BiConsumer<String, String> headers) {
    Frame f = CURRENT.get();
    if (f == null) {
      return;
    }
    Engine engine = f.run.engine();
    if (engine.observed) {
      engine.observer.inject(f.observation, headers);
    }
  }

  static Frame current() {
    return CURRENT.get();
  }

  /** Makes {@code frame} current and returns the one it replaces, for {@link #restore}. */
  static Frame enter(Frame frame) {
    Frame prev = CURRENT.get();
    CURRENT.set(frame);
    return prev;
  }

  static void restore(Frame prev) {
    if (prev == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(prev);
    }
  }
}

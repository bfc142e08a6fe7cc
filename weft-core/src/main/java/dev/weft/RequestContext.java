package dev.weft;

import dev.weft.engine.Frames;
import java.time.Duration;
import java.util.Optional;

/**
 * What a running function knows about the request it serves: its id, per-request state,
 * progress updates and metrics.
 *
 * <p>Available on the thread that runs a function's body, and inside dependent actions
 * registered on Weft futures from there. Calls made outside any request (from a plain
 * {@code main}) run in the runtime's shared local context, whose id is {@code "local"}.
 * Implementations are thread-safe.
 */
public interface RequestContext {

  /**
   * The context of the function running on this thread.
   *
   * @throws UsageException outside a running function
   */
  static RequestContext current() {
    return Frames.requireCurrent();
  }

  /** The request's id. */
  String requestId();

  /** The name of the application the request runs. */
  String application();

  /** Per-request key-value state shared by all of the request's calls. */
  State state();

  /** Progress updates of the request; each also restarts the calling attempt's timeout clock. */
  Progress progress();

  /** The request's counters and timers. */
  Metrics metrics();

  /** Per-request key-value state. Thread-safe. */
  interface State {
    /** Sets {@code key} to {@code value}; a null value removes the key. */
    void set(String key, Object value);

    /**
     * The value of {@code key}, if set.
     *
     * @throws UsageException if the value is not a {@code type}
     */
    <T> Optional<T> get(String key, Class<T> type);
  }

  /** Progress reporting. Thread-safe. */
  interface Progress {
    /**
     * Reports that {@code current} of {@code total} is done.
     *
     * @throws IllegalArgumentException if a number is negative or not finite
     */
    void update(double current, double total, String message);

    /** {@link #update(double, double, String)} with no message. */
    default void update(double current, double total) {
      update(current, total, "");
    }
  }

  /** Request metrics. Thread-safe. */
  interface Metrics {
    /** Adds {@code delta} to the counter {@code name}. */
    void counter(String name, long delta);

    /** Adds one to the counter {@code name}. */
    default void counter(String name) {
      counter(name, 1);
    }

    /** Records one timing of {@code name}. */
    void timer(String name, Duration elapsed);
  }
}

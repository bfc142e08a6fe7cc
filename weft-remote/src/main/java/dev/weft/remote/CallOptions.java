package dev.weft.remote;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Per-handle call settings: the timeout (empty: the function's own), where streamed log lines
 * go (empty: they are not asked for), and whether the default-mode {@code invoke} is async.
 * Immutable; each {@code with} makes a copy.
 */
record CallOptions(Optional<Duration> timeout, Optional<Consumer<String>> logs, boolean asyncDefault) {
  static final CallOptions DEFAULTS = new CallOptions(Optional.empty(), Optional.empty(), false);

  CallOptions withTimeout(Duration t) {
    Objects.requireNonNull(t, "timeout");
    if (t.isNegative() || t.isZero() || t.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException("a call timeout must be positive and at most 24h; was " + t);
    }
    return new CallOptions(Optional.of(t), logs, asyncDefault);
  }

  CallOptions withLogs(Consumer<String> sink) {
    return new CallOptions(timeout, Optional.of(Objects.requireNonNull(sink, "sink")), asyncDefault);
  }

  CallOptions withAsyncDefault(boolean async) {
    return new CallOptions(timeout, logs, async);
  }

  Duration timeoutFor(CallTarget target) {
    return timeout.orElse(target.timeout());
  }
}

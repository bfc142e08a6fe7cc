package dev.weft.engine;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Subscription;
import dev.weft.WeftException;
import dev.weft.journal.Journal;
import dev.weft.journal.RequestInfo;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A request that finished before this process knew it: a read-only view of its record. */
final class RecordedRequest<R> implements Request<R> {
  private final Journal journal;
  private final RequestInfo info;
  private final Type outputType;

  RecordedRequest(Journal journal, RequestInfo info, Type outputType) {
    this.journal = journal;
    this.info = info;
    this.outputType = outputType;
  }

  @Override
  public String id() {
    return info.id();
  }

  @Override
  public String application() {
    return info.application();
  }

  /**
   * The recorded error message, which names the function, attempt, exception type and causes;
   * an empty one (from journals written before that) is replaced by the exception's type.
   */
  static String errorText(RequestInfo info) {
    String type = info.errorType().orElse("");
    String message = info.errorMessage().filter(m -> !m.isBlank()).orElse("");
    if (message.isEmpty()) {
      return (type.isEmpty() ? "unknown failure" : type) + " (no message)";
    }
    return message;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R result() {
    return switch (info.state()) {
      case SUCCEEDED -> (R) journal.output(info.id(), outputType).orElse(null);
      case CANCELLED -> throw new java.util.concurrent.CancellationException("request " + info.id() + " was cancelled");
      case FAILED -> throw new WeftException("request " + info.id() + " failed: " + errorText(info));
      case RUNNING -> throw new IllegalStateException("request " + info.id() + " is not finished");
    };
  }

  @Override
  public R result(Duration timeout) {
    return result();
  }

  @Override
  public boolean done() {
    return info.state().finished();
  }

  @Override
  public RequestState state() {
    return info.state();
  }

  @Override
  public boolean cancel() {
    return false;
  }

  @Override
  public Optional<ProgressUpdate> progress() {
    return info.progress();
  }

  @Override
  public Subscription onProgress(Consumer<ProgressUpdate> listener) {
    return () -> {}; // a finished request reports no more progress: nothing to hold
  }

  @Override
  public Map<String, Long> counters() {
    return Map.of();
  }

  @Override
  public Map<String, Duration> timers() {
    return Map.of();
  }
}

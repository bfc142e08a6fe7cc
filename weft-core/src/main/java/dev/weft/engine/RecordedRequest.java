package dev.weft.engine;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Subscription;
import dev.weft.WaitTimeoutException;
import dev.weft.WeftException;
import dev.weft.journal.Journal;
import dev.weft.journal.RequestInfo;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A request this process does not run, seen through its record: one that finished before this
 * process knew it, or one that another process sharing the journal runs (a node of a fleet holds
 * its lease). Reads the record afresh each time; a wait for the end re-reads it at every change
 * the journal hints at ({@link Journal#watch}) and at least once a second. {@link #cancel()} asks
 * the process running it, through the journal. Thread-safe.
 */
final class RecordedRequest<R> implements Request<R> {
  private static final Duration POLL = Duration.ofSeconds(1);

  private final Journal journal;
  private final String id;
  private final String application;
  private final Type outputType;
  private volatile RequestInfo last;

  RecordedRequest(Journal journal, RequestInfo info, Type outputType) {
    this.journal = journal;
    this.id = info.id();
    this.application = info.application();
    this.outputType = outputType;
    this.last = info;
  }

  private RequestInfo info() {
    RequestInfo now = last;
    if (!now.state().finished()) {
      now = journal.info(id).orElse(now); // purged meanwhile: keep what was seen
      last = now;
    }
    return now;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String application() {
    return application;
  }

  @Override
  public R result() {
    return result(Duration.ofNanos(Long.MAX_VALUE));
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
  public R result(Duration timeout) {
    RequestInfo info = awaitFinished(timeout);
    return switch (info.state()) {
      case SUCCEEDED -> (R) journal.output(id, outputType).orElse(null);
      case CANCELLED -> throw new CancellationException("request " + id + " was cancelled");
      case FAILED -> throw new WeftException("request " + id + " failed: " + errorText(info));
      case RUNNING -> throw new IllegalStateException("request " + id + " is not finished");
    };
  }

  /** Waits for the record to say the request finished; an interrupt ends the wait as a cancellation. */
  private RequestInfo awaitFinished(Duration timeout) {
    RequestInfo info = info();
    if (info.state().finished()) {
      return info;
    }
    Semaphore changed = new Semaphore(0);
    Optional<Subscription> hints = journal.watch(id, changed::release);
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 2);
    try {
      while (!info.state().finished()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new WaitTimeoutException(timeout);
        }
        changed.tryAcquire(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
        changed.drainPermits();
        info = info();
      }
      return info;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException c = new CancellationException("the wait for request " + id + " was interrupted");
      c.initCause(e);
      throw c;
    } finally {
      hints.ifPresent(Subscription::close);
    }
  }

  @Override
  public boolean done() {
    return info().state().finished();
  }

  @Override
  public RequestState state() {
    return info().state();
  }

  /** Asks the process running the request to cancel it; false if it finished or nobody runs it. */
  @Override
  public boolean cancel() {
    return !info().state().finished() && journal.requestCancel(id);
  }

  @Override
  public Optional<ProgressUpdate> progress() {
    return info().progress();
  }

  /**
   * Calls {@code listener} with each later progress update the record shows, as the journal hints
   * at it; nothing for a journal no other process shares (nobody else records progress).
   */
  @Override
  public Subscription onProgress(Consumer<ProgressUpdate> listener) {
    if (info().state().finished()) {
      return () -> {}; // a finished request reports no more progress: nothing to hold
    }
    Object lock = new Object();
    Optional<ProgressUpdate>[] seen = new Optional[] {last.progress()};
    return journal.watch(id, () -> {
      synchronized (lock) {
        Optional<ProgressUpdate> p = info().progress();
        if (p.isPresent() && !p.equals(seen[0])) {
          seen[0] = p;
          listener.accept(p.get());
        }
      }
    }).orElse(() -> {});
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

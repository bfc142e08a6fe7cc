package dev.weft.server;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows one request for an event stream: its progress updates, then its end, as a queue the
 * stream's own thread drains, so that neither the thread reporting progress nor the request ever
 * waits for a slow client. Made and drained by one thread; {@link #close()} stops following.
 *
 * <p>The progress listener is registered before {@link #snapshot()} is read, so no update falls
 * between the two; {@link #isNewer} drops queued updates the snapshot already covers.
 */
final class RequestWatch implements AutoCloseable {
  /** What {@link #next} returns when the request has finished. */
  static final Object DONE = new Object();

  /** Updates beyond this many unsent ones are dropped; the latest one always arrives in the snapshot or later. */
  private static final int MAX_QUEUED = 1024;

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Subscription listening;
  private final Thread waiter;
  private final Optional<ProgressUpdate> snapshot;
  private final Runnable onClose;
  private volatile boolean closed;

  /** {@code onClose} runs once, when the watch is closed. */
  RequestWatch(Request<?> request, Runnable onClose) {
    this.onClose = onClose;
    this.listening = request.onProgress(update -> {
      if (!closed && queue.size() < MAX_QUEUED) {
        queue.add(update);
      }
    });
    // Request has no completion callback, so a virtual thread waits for the end and says so.
    this.waiter = Thread.ofVirtual().name("weft-http-watch-" + request.id()).start(() -> {
      try {
        request.result();
      } catch (RuntimeException e) {
        // Only the wake-up matters here; the stream reads the request's outcome itself.
      } finally {
        queue.add(DONE);
      }
    });
    this.snapshot = request.progress();
  }

  /** The request's latest progress when the watch began. */
  Optional<ProgressUpdate> snapshot() {
    return snapshot;
  }

  /**
   * The next progress update or {@link #DONE}, waiting at most {@code timeout}; empty if none
   * came in time.
   *
   * @throws InterruptedException if the calling thread is interrupted (the server is closing)
   */
  Optional<Object> next(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Whether a queued {@code update} is later than the snapshot that was already sent. */
  boolean isNewer(ProgressUpdate update) {
    return snapshot.isEmpty() || (update != snapshot.get() && !update.at().isBefore(snapshot.get().at()));
  }

  /**
   * Removes the progress listener and ends the waiting thread (the request itself is not
   * touched), so nothing of the stream stays behind once its client has gone. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    listening.close();
    waiter.interrupt();
    queue.clear();
    onClose.run();
  }
}

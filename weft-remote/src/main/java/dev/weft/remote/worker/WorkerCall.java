package dev.weft.remote.worker;

import dev.weft.Future;
import dev.weft.remote.wire.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * One call running on a worker, under its call id: the event lines of its first reply (log lines
 * while it runs, then its outcome) and, beside them, its outcome alone, which resends of the same
 * call id attach to.
 *
 * <p>Thread-safe: it is fed by any thread (the call's code and the threads it starts, the
 * engine finishing it); its events are drained by one thread, the one answering the request that
 * started it; its outcome may be awaited by any number of threads (that one and those answering
 * resends).
 */
final class WorkerCall {
  /** The call whose code runs on this thread (inherited by threads it starts), for log routing. */
  static final InheritableThreadLocal<WorkerCall> CURRENT = new InheritableThreadLocal<>();

  final String id;
  final boolean wantsLogs;
  /** Whether a caller can send this call again under its id (it came with one), so its outcome is worth keeping. */
  final boolean resendable;
  /** How many items of a streamed result may wait to be written before the producer blocks. */
  static final int MAX_PENDING_ITEMS = 256;

  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final Semaphore itemPermits = new Semaphore(MAX_PENDING_ITEMS);
  private final CompletableFuture<String> outcome = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private volatile Future<Object> future;
  private volatile boolean attached;
  private boolean finished;
  private boolean logsDropped;
  /** When the first reply last got a line (or the call began), for {@link #pingIfSilent}. */
  private long lastEventNanos = System.nanoTime();

  WorkerCall(String id, boolean wantsLogs, boolean resendable) {
    this.id = id;
    this.wantsLogs = wantsLogs;
    this.resendable = resendable;
  }

  void started(Future<Object> f) {
    this.future = f;
  }

  /** Cancels the call's code (interrupting it, or cancelling its stage); false if it had not started. */
  boolean cancel() {
    Future<Object> f = future;
    return f != null && f.cancel();
  }

  /** Output written by the call's code: complete lines become log events. */
  synchronized void output(byte[] b, int off, int len) {
    if (!wantsLogs || finished || logsDropped) {
      return;
    }
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c == '\n') {
        emitPartial();
      } else if (c != '\r') {
        partial.write(c);
      }
    }
  }

  /** A whole line from Weft itself (such as a blocked-loop report). */
  synchronized void log(String line) {
    if (wantsLogs && !finished && !logsDropped) {
      events.add(Wire.LOG + Wire.CODEC.encode(line, String.class));
      lastEventNanos = System.nanoTime();
    }
  }

  /**
   * The first reply can no longer be written: later log lines are dropped rather than queued for
   * nobody (a resend gets the outcome only).
   */
  synchronized void dropLogs() {
    logsDropped = true;
    partial.reset();
    events.clear();
  }

  /** The outcome as its event line; later output is dropped. Called once. */
  synchronized void finish(String outcome) {
    if (partial.size() > 0 && !logsDropped) {
      emitPartial();
    }
    finished = true;
    events.add(outcome);
    this.outcome.complete(outcome);
  }

  /** The next event line of the first reply, waiting for one: a log line, a ping, or (the last) the outcome. */
  String nextEvent() throws InterruptedException {
    return events.take();
  }

  /** Whether more event lines are waiting to be written. */
  boolean hasEvents() {
    return !events.isEmpty();
  }

  /**
   * Adds a {@value Wire#PING} line to the first reply if it has had no line for {@code silenceNanos}
   * (and the call is still running): writing it is how the worker learns whether the caller is
   * still there.
   */
  synchronized void pingIfSilent(long nowNanos, long silenceNanos) {
    if (!finished && !logsDropped && nowNanos - lastEventNanos >= silenceNanos) {
      events.add(Wire.PING);
      lastEventNanos = nowNanos;
    }
  }

  /** The outcome line, waiting for it. */
  String awaitOutcome() throws InterruptedException {
    try {
      return outcome.get();
    } catch (ExecutionException never) {
      throw new IllegalStateException("the outcome of a call is only ever completed normally", never);
    }
  }

  /** A resend of this call id is waiting for it: whoever sent it still wants the outcome. */
  void attach() {
    attached = true;
  }

  /** Whether a resend ever attached to this call. */
  boolean attached() {
    return attached;
  }

  static boolean isOutcome(String event) {
    return !event.startsWith(Wire.LOG) && !event.equals(Wire.PING) && !event.startsWith(Wire.ITEM);
  }

  static boolean isItem(String event) {
    return event.startsWith(Wire.ITEM);
  }

  /**
   * One item of a streamed result, as its event line. Blocks while {@link #MAX_PENDING_ITEMS} are
   * waiting to be written (a slow caller slows the producer down, rather than the worker's heap
   * filling up), and fails once the reply cannot be written any more.
   *
   * @throws InterruptedException if the call is cancelled meanwhile (or was already)
   */
  void item(String line) throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("the call was cancelled");
    }
    itemPermits.acquire();
    synchronized (this) {
      if (logsDropped) {
        throw new InterruptedException("the reply of call " + id + " can no longer be written");
      }
      events.add(line);
      lastEventNanos = System.nanoTime();
    }
  }

  /** An item's line was written to the reply: another may be queued. */
  void itemWritten() {
    itemPermits.release();
  }

  private void emitPartial() {
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    events.add(Wire.LOG + Wire.CODEC.encode(line, String.class));
    lastEventNanos = System.nanoTime();
  }
}

package dev.weft.remote;

import dev.weft.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One call running on a worker: the event lines its reply is made of (log lines while it runs,
 * then its outcome), fed by any thread and drained by the thread answering the HTTP request.
 * Thread-safe.
 */
final class WorkerCall {
  /** The call whose code runs on this thread (inherited by threads it starts), for log routing. */
  static final InheritableThreadLocal<WorkerCall> CURRENT = new InheritableThreadLocal<>();

  final String id;
  final boolean wantsLogs;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private volatile Future<Object> future;
  private boolean finished;

  WorkerCall(String id, boolean wantsLogs) {
    this.id = id;
    this.wantsLogs = wantsLogs;
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
    if (!wantsLogs || finished) {
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
    if (wantsLogs && !finished) {
      events.add(Wire.LOG + Wire.CODEC.encode(line, String.class));
    }
  }

  /** The outcome as its event line; later output is dropped. Called once. */
  synchronized void finish(String outcome) {
    if (partial.size() > 0) {
      emitPartial();
    }
    finished = true;
    events.add(outcome);
  }

  /** The next event line, waiting for one; the outcome is the last. */
  String take() throws InterruptedException {
    return events.take();
  }

  static boolean isOutcome(String event) {
    return !event.startsWith(Wire.LOG);
  }

  private void emitPartial() {
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    events.add(Wire.LOG + Wire.CODEC.encode(line, String.class));
  }
}

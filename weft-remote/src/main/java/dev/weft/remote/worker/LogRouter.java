package dev.weft.remote.worker;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * What a worker installs as {@code System.out} and {@code System.err}: everything still goes to
 * the worker's own output (its log file), and what a call's code writes is also copied into that
 * call's reply as log lines. A call is known by {@link WorkerCall#CURRENT}, set while its code
 * runs and inherited by threads it starts; output from elsewhere (a stage's later callbacks on
 * the event loop, the runtime itself) goes to the log file only.
 */
final class LogRouter extends OutputStream {
  private final PrintStream original;

  private LogRouter(PrintStream original) {
    this.original = original;
  }

  static void install() {
    System.setOut(new PrintStream(new LogRouter(System.out), true));
    System.setErr(new PrintStream(new LogRouter(System.err), true));
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    original.write(b, off, len);
    WorkerCall call = WorkerCall.CURRENT.get();
    if (call != null) {
      call.output(b, off, len);
    }
  }

  @Override
  public void flush() {
    original.flush();
  }
}

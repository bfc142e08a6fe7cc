package dev.weft.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of one worker that can lose replies: once told to, it cuts the
 * connection on which the next reply bytes come back instead of passing them on. The worker got
 * the request and answers, and the caller's exchange fails with an IOException, which is what a
 * reply lost to the JDK's HTTP/1.1 pool (JDK-8357639) or to a keep-alive connection closed as it
 * was reused looks like to a caller. Thread-safe.
 */
final class LossyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int workerPort;
  private final AtomicInteger toLose = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  LossyProxy(int workerPort) throws IOException {
    this.workerPort = workerPort;
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("lossy-proxy-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Loses the next {@code n} replies (the first bytes of each, and the connection with them). */
  void loseReplies(int n) {
    toLose.set(n);
  }

  /** How many replies were lost so far. */
  int lost() {
    return lost.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket caller;
      try {
        caller = server.accept();
      } catch (IOException closed) {
        return;
      }
      try {
        Socket worker = new Socket(InetAddress.getLoopbackAddress(), workerPort);
        open.add(caller);
        open.add(worker);
        Thread.ofVirtual().name("lossy-proxy-up").start(() -> pump(caller, worker, false));
        Thread.ofVirtual().name("lossy-proxy-down").start(() -> pump(worker, caller, true));
      } catch (IOException e) {
        close(caller);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean replies) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (replies && toLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
          lost.incrementAndGet();
          return; // closing both ends loses this reply
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: the other is closed below
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(this::close);
  }
}

package dev.weft.server;

import dev.weft.Subscription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;

/**
 * The server's one watch thread, {@code weft-http-watch}: it closes connections whose request
 * headers take longer than the header timeout, and tells an exchange the moment its client hangs
 * up while the exchange waits ({@code ?wait=true}, an event stream). Thread-safe.
 *
 * <p>Why this exists: Jetty's idle timeout restarts with every byte, so a client that trickles
 * one header byte now and then holds a connection for ever; and over HTTP/1.1 Jetty does not read
 * a connection while its request is being handled, so a client that hangs up is noticed only at
 * the next write. For the first, {@link Connection.Listener} events and the handler's
 * {@link #begin}/{@link #end} give each connection's state, and a sweep every
 * {@code headerTimeout / 10} (50 ms..1 s) closes the slow ones. For the second, the waiting
 * exchange's socket is registered for reading with this thread's own {@link Selector} (a channel
 * may be registered with several): readable with nothing to read ({@code available() == 0}) is
 * the end of the stream, so the client has gone; bytes to read (a pipelined request) mean it is
 * still there, and watching stops without consuming them.
 */
final class ConnectionWatch implements Connection.Listener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");

  private final long headerTimeoutNanos;
  private final long sweepMillis;
  private final Selector selector;
  private final Map<Connection, State> connections = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  /** One connection's request state, guarded by its own monitor. */
  private static final class State {
    private int handling;
    /** Bytes received when the connection last became idle (opened, or a request ended). */
    private long bytesAtRest;
    /** When the sweep first saw bytes of the next request's head, or 0 if it has not. */
    private long headStartedNanos;
  }

  ConnectionWatch(Duration headerTimeout) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.sweepMillis = Math.clamp(headerTimeout.toMillis() / 10, 50, 1000);
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the server's watch thread", e);
    }
    this.thread = Thread.ofPlatform().daemon().name("weft-http-watch").unstarted(this::run);
    thread.setUncaughtExceptionHandler((t, e) -> LOG.log(System.Logger.Level.ERROR, "the server's watch thread failed", e));
    thread.start();
  }

  @Override
  public void onOpened(Connection connection) {
    connections.put(connection, new State());
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  /** A request on {@code connection} is being handled: its head has arrived. */
  void begin(Connection connection) {
    State s = connections.get(connection);
    if (s != null) {
      synchronized (s) {
        s.handling++;
        s.headStartedNanos = 0;
      }
    }
  }

  /** The request on {@code connection} is done; the next request's head is timed from its first byte. */
  void end(Connection connection) {
    State s = connections.get(connection);
    if (s != null) {
      synchronized (s) {
        s.handling--;
        s.bytesAtRest = connection.getBytesIn();
        s.headStartedNanos = 0;
      }
    }
  }

  /**
   * Calls {@code onGone} (on the watch thread; it must be quick) when the client of {@code
   * connection} closes its end, until the returned subscription is closed. A connection that is
   * not a plain socket (or has closed already) is not watched: {@code onGone} runs at once if
   * it is closed, never otherwise.
   */
  Subscription onHangUp(Connection connection, Runnable onGone) {
    EndPoint endPoint = connection.getEndPoint();
    if (!(endPoint instanceof SelectableChannelEndPoint ep) || !(ep.getChannel() instanceof SocketChannel channel)) {
      return () -> {};
    }
    SelectionKey key;
    try {
      key = channel.register(selector, SelectionKey.OP_READ, onGone);
    } catch (ClosedChannelException | CancelledKeyException e) {
      onGone.run();
      return () -> {};
    } catch (ClosedSelectorException e) {
      return () -> {}; // the server is closing
    }
    selector.wakeup(); // a registration takes effect at the next select
    // The cancelled key is dropped at the watch thread's next select (within a sweep period),
    // which is also when the socket can be closed for good if Jetty closed it meanwhile.
    return key::cancel;
  }

  private void run() {
    while (!closed) {
      try {
        if (selector.select(sweepMillis) > 0) {
          for (SelectionKey key : selector.selectedKeys()) {
            checkHangUp(key);
          }
          selector.selectedKeys().clear();
        }
        sweepHeaders();
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the server's watch thread met a problem; it goes on", e);
      }
    }
  }

  private static void checkHangUp(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    key.cancel(); // either way, watching ends here: gone, or alive with bytes we must not consume
    boolean gone;
    try {
      gone = ((SocketChannel) key.channel()).socket().getInputStream().available() == 0;
    } catch (IOException e) {
      gone = true; // reset by the peer
    }
    if (gone) {
      ((Runnable) key.attachment()).run();
    }
  }

  private void sweepHeaders() {
    long now = System.nanoTime();
    for (Map.Entry<Connection, State> e : connections.entrySet()) {
      Connection c = e.getKey();
      State s = e.getValue();
      boolean tooSlow;
      synchronized (s) {
        if (s.handling > 0 || c.getBytesIn() <= s.bytesAtRest) {
          continue;
        }
        if (s.headStartedNanos == 0) {
          s.headStartedNanos = now;
          continue;
        }
        tooSlow = now - s.headStartedNanos > headerTimeoutNanos;
      }
      if (tooSlow) {
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + c.getEndPoint().getRemoteSocketAddress()
            + ": its request headers took longer than " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms");
        connections.remove(c);
        c.getEndPoint().close();
      }
    }
  }

  /** How many connections are open now (tests, soak). */
  int openConnections() {
    return connections.size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      selector.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the watch selector failed", e);
    }
    thread.interrupt();
  }
}

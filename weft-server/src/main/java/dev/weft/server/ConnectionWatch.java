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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * The server's one watch thread, {@code weft-http-watch}: it closes connections whose request
 * headers take longer than the header timeout, and tells an exchange the moment its client hangs
 * up while the exchange waits ({@code ?wait=true}, an event stream). Thread-safe.
 *
 * <p>Why this exists: Jetty's idle timeout restarts with every byte, so a client that trickles
 * one header byte now and then holds a connection for ever; and over HTTP/1.1 Jetty does not read
 * a connection while its request is being handled, so a client that hangs up is noticed only at
 * the next write. For the first, {@link Connection.Listener} events keep the open connections,
 * and a sweep every {@code headerTimeout / 10} (50 ms..1 s) reads each one's parser state (Jetty's
 * {@code HttpConnection}, public though in an internal package) and closes those seen part way
 * through the same request head for longer than the header timeout, give or take a sweep. For the second, the waiting
 * exchange's socket is registered for reading with this thread's own {@link Selector} by this
 * thread itself, at its next turn after the exchange asks (so a short wait costs no system call; a channel
 * may be registered with several; its key is kept for the connection's life): readable with nothing to read ({@code available() == 0}) is
 * the end of the stream, so the client has gone; bytes to read (a pipelined request) mean it is
 * still there, and watching stops without consuming them.
 */
final class ConnectionWatch implements Connection.Listener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");

  private final long headerTimeoutNanos;
  private final long sweepMillis;
  private final Selector selector;
  private final Map<Connection, State> connections = new ConcurrentHashMap<>();
  /** Hang-up watches noted and not yet armed (the watch thread arms them). */
  private final Set<Watcher> pending = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean closed;

  /** What the watch keeps of one connection, guarded by its own monitor. */
  private static final class State {
    /** When a sweep first saw the connection part way through a request head, or 0. */
    private long headStartedNanos;
    /** How many requests the connection had received then: a new one restarts the clock. */
    private long messagesAtHeadStart;
    /**
     * The socket's key in the watch selector, made at the first hang-up watch and kept while the
     * connection lives: later watches on the connection switch its interest on and off rather
     * than register again (a cancelled key stays in the selector until its next select, and
     * registering the channel again before that fails).
     */
    private SelectionKey key;
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
    State s = connections.remove(connection);
    if (s != null) {
      synchronized (s) {
        if (s.key != null) {
          s.key.cancel();
        }
      }
    }
  }

  /**
   * Calls {@code onGone} (on the watch thread; it must be quick) when the client of {@code
   * connection} closes its end, until the returned subscription is closed. A connection that is
   * not a plain socket is not watched; one that has closed already calls {@code onGone} soon.
   *
   * <p>Cheap to open and close: the watch is only noted here (no system call, no wake-up), and the
   * watch thread arms it at its next turn, within {@link #sweepMillis} (at most 1 s). A wait that
   * ends before then (most do) costs two map operations; a client that hangs up is still noticed
   * within a second or so.
   */
  Subscription onHangUp(Connection connection, Runnable onGone) {
    State s = connections.get(connection);
    if (s == null) {
      return () -> {};
    }
    Watcher w = new Watcher(connection, s, onGone);
    pending.add(w);
    return w;
  }

  /** One exchange's hang-up watch: noted by {@link #onHangUp}, armed by the watch thread. */
  private final class Watcher implements Subscription {
    final Connection connection;
    final State state;
    final Runnable onGone;
    /** Guarded by {@code state}: once closed, never armed again and never called. */
    boolean ended;
    SelectionKey key;

    Watcher(Connection connection, State state, Runnable onGone) {
      this.connection = connection;
      this.state = state;
      this.onGone = onGone;
    }

    /** On the watch thread: registers the socket for reading, or reports a closed connection. */
    void arm() {
      EndPoint endPoint = connection.getEndPoint();
      if (endPoint instanceof SslConnection.SslEndPoint tls) {
        // Under TLS, watch the socket beneath: a client that closes with a TLS close_notify first
        // shows bytes, not an end, so it is found by the idle timeout instead; one that just goes
        // (killed, reset) is noticed here as on plain HTTP.
        endPoint = tls.getSslConnection().getEndPoint();
      }
      if (!(endPoint instanceof SelectableChannelEndPoint ep) || !(ep.getChannel() instanceof SocketChannel channel)) {
        return;
      }
      boolean gone = false;
      synchronized (state) {
        if (ended) {
          return;
        }
        try {
          if (state.key == null) {
            state.key = channel.register(selector, 0);
          }
          key = state.key;
          key.attach(this);
          key.interestOps(SelectionKey.OP_READ);
        } catch (ClosedChannelException | CancelledKeyException e) {
          gone = true; // the connection has closed
        } catch (ClosedSelectorException e) {
          return; // the server is closing
        }
      }
      if (gone) {
        fire();
      }
    }

    /** Calls {@code onGone} unless the subscription was closed first. */
    void fire() {
      synchronized (state) {
        if (ended) {
          return;
        }
        ended = true; // called once
      }
      onGone.run();
    }

    @Override
    public void close() {
      pending.remove(this);
      synchronized (state) {
        ended = true;
        if (key != null && key.attachment() == this && key.isValid()) {
          key.attach(null);
          try {
            key.interestOps(0);
          } catch (CancelledKeyException e) {
            // the connection closed meanwhile
          }
        }
      }
    }
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
        armPending();
        sweepHeaders();
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the server's watch thread met a problem; it goes on", e);
      }
    }
  }

  private void armPending() {
    for (Watcher w : pending) {
      pending.remove(w);
      w.arm();
    }
  }

  private static void checkHangUp(SelectionKey key) {
    if (!(key.attachment() instanceof Watcher w)) {
      return; // no longer watched
    }
    synchronized (w.state) {
      if (key.attachment() != w) {
        return;
      }
      key.attach(null);
      try {
        key.interestOps(0); // either way, watching ends here: gone, or alive with bytes not ours to read
      } catch (CancelledKeyException e) {
        // closed meanwhile: gone, as the check below finds
      }
    }
    boolean gone;
    try {
      gone = ((SocketChannel) key.channel()).socket().getInputStream().available() == 0;
    } catch (IOException e) {
      gone = true; // reset by the peer
    }
    if (gone) {
      w.fire();
    }
  }

  private void sweepHeaders() {
    long now = System.nanoTime();
    for (Map.Entry<Connection, State> e : connections.entrySet()) {
      if (!(e.getKey() instanceof HttpConnection c)) {
        continue;
      }
      State s = e.getValue();
      // Part way through a head: past its first byte (not at the start) and not yet at the body.
      HttpParser parser = c.getParser();
      boolean inHead = parser.inHeaderState() && !parser.isStart();
      long messages = c.getMessagesIn();
      boolean tooSlow;
      synchronized (s) {
        if (!inHead) {
          s.headStartedNanos = 0;
          continue;
        }
        if (s.headStartedNanos == 0 || messages != s.messagesAtHeadStart) {
          s.headStartedNanos = now;
          s.messagesAtHeadStart = messages;
          continue;
        }
        tooSlow = now - s.headStartedNanos > headerTimeoutNanos;
      }
      if (tooSlow) {
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + c.getEndPoint().getRemoteSocketAddress()
            + ": its request head took longer than " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms");
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

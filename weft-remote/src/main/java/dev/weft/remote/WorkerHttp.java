package dev.weft.remote;

import dev.weft.remote.wire.Http;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 client that calls go to workers with: plain blocking sockets, kept alive and pooled
 * per worker address, used from the caller's virtual thread.
 *
 * <p>Why not {@code java.net.http.HttpClient} (which the control requests, health checks and
 * shutdowns, still use): under concurrent calls its HTTP/1.1 pool can hand a reply to the idle
 * connection's watcher instead of the exchange that is waiting for it, which then fails with
 * "header parser received no bytes" (JDK-8357639, "Data received while in pool", fixed in JDK 26);
 * and its asynchronous machinery (a selector thread and executor hand-offs for every exchange)
 * costs more than the rest of a call on loopback. A virtual thread blocked on a socket holds no
 * OS thread, and interrupting it closes the socket, which is how a call is abandoned.
 *
 * <p>What it speaks is what the worker's JDK {@code HttpServer} answers: a status line, headers,
 * and a body of a {@code Content-Length} or in chunks. A connection goes back to the pool only
 * when its reply was read to the end and the server did not ask to close it; connections idle
 * for longer than {@link #MAX_IDLE} are closed instead of used, since the server closes them by
 * then (its idle interval is 30 s).
 *
 * <p>Thread-safe. A {@link Reply} is read by the thread that sent its request.
 */
final class WorkerHttp {
  static final WorkerHttp SHARED = new WorkerHttp();

  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final Duration MAX_IDLE = Duration.ofSeconds(20);
  /**
   * Idle connections kept per worker address; beyond that, a finished connection is closed. Under
   * the JDK server's own limit (200 idle connections, then it closes some), so that the pool does
   * not keep connections the worker is about to close.
   */
  private static final int MAX_IDLE_CONNECTIONS = 128;
  private static final int MAX_HEADER_LINE = 16 << 10;

  /** By worker base URI (an endpoint's, so the same instance call after call). */
  private final Map<URI, Pool> pools = new ConcurrentHashMap<>();

  /**
   * Sends {@code POST path} to the worker at {@code base} on an idle pooled connection (or a new
   * one) and returns its reply once the status line and headers are in; the body is read from the
   * reply. A failure is not retried here: whether sending again is safe is the caller's to decide
   * (a call is, to the same worker process, which runs a call id at most once).
   *
   * @param headers extra request headers, name to value
   * @throws ConnectException if a new connection could not be made: the request reached no worker
   * @throws IOException if the exchange failed, including on a pooled connection the worker had
   *     closed; an interrupt of the sending thread closes the socket and ends here too
   */
  Reply post(URI base, String path, Map<String, String> headers, byte[] body) throws IOException {
    Pool pool = pools.computeIfAbsent(base, Pool::new);
    byte[] head = head(base, path, headers, body.length);
    Connection pooled = pool.take();
    Connection c = pooled != null ? pooled : pool.open();
    try {
      return c.exchange(head, body);
    } catch (IOException e) {
      c.close();
      if (pooled != null && e instanceof ConnectException) {
        throw new IOException(e.getMessage(), e); // not refused: the connection had been made earlier
      }
      throw e;
    }
  }

  private static byte[] head(URI base, String path, Map<String, String> headers, int length) {
    StringBuilder s = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
        .append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
    headers.forEach((name, value) -> s.append(name).append(": ").append(value).append("\r\n"));
    s.append("Content-Length: ").append(length).append("\r\n\r\n");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The idle connections to one worker address. */
  private static final class Pool {
    final InetSocketAddress address;
    final boolean tls;
    final String host;
    final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    final AtomicInteger idleCount = new AtomicInteger();

    Pool(URI base) {
      this.address = new InetSocketAddress(base.getHost(), base.getPort());
      this.tls = "https".equals(base.getScheme());
      this.host = base.getHost();
    }

    /**
     * The most recently used idle connection still fresh enough and still open, or null. Every
     * reused connection is probed first ({@link Connection#stillOpen}, one read that does not wait):
     * a worker that died since closed it, and a call sent on it could not tell whether it ran.
     */
    Connection take() {
      long now = System.nanoTime();
      for (Connection c; (c = idle.pollFirst()) != null; ) {
        idleCount.decrementAndGet();
        if (now - c.idleSince < MAX_IDLE.toNanos() && c.stillOpen()) {
          return c;
        }
        c.close();
      }
      return null;
    }

    void give(Connection c) {
      if (idleCount.incrementAndGet() > MAX_IDLE_CONNECTIONS) {
        idleCount.decrementAndGet();
        c.close();
        return;
      }
      c.idleSince = System.nanoTime();
      idle.offerFirst(c);
    }

    Connection open() throws IOException {
      // A channel's socket, so that an idle connection can be probed without waiting.
      SocketChannel channel = SocketChannel.open();
      Socket socket = channel.socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(address, CONNECT_TIMEOUT_MS);
        return new Connection(this, tls ? secure(socket, host) : socket, channel);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
    }
  }

  /**
   * TLS over a connected socket, checking that the worker's certificate names the host it was
   * reached at. The handshake runs here, under the connect timeout; a refused certificate fails
   * the call at once with what to fix (no request was sent).
   */
  private static Socket secure(Socket plain, String host) throws IOException {
    javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) Http.tlsContext().getSocketFactory()
        .createSocket(plain, host, plain.getPort(), true);
    javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(params);
    int before = plain.getSoTimeout();
    plain.setSoTimeout(CONNECT_TIMEOUT_MS);
    try {
      ssl.startHandshake();
    } catch (javax.net.ssl.SSLHandshakeException e) {
      ssl.close();
      // Not a lost worker but a setup to fix: recovering the replica would meet the same certificate.
      throw new ServiceUnavailableException(Http.handshakeFailed(host + ":" + plain.getPort(), e), e);
    }
    ssl.setSoTimeout(before);
    return ssl;
  }

  /** One keep-alive connection, with its own read buffer. Used by one thread at a time. */
  private static final class Connection {
    final Pool pool;
    final Socket socket;
    /** The TCP channel under {@link #socket}. */
    final SocketChannel tcp;
    final InputStream in;
    final OutputStream out;
    final byte[] buf = new byte[8192];
    /** What {@link #stillOpen} reads into (a byte found there makes the connection unusable anyway). */
    final ByteBuffer probe = ByteBuffer.allocate(1);
    int pos;
    int lim;
    long idleSince;

    Connection(Pool pool, Socket socket, SocketChannel tcp) throws IOException {
      this.pool = pool;
      this.socket = socket;
      this.tcp = tcp;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /**
     * Whether the worker still keeps this idle connection open: a read of the TCP channel that
     * does not wait finds nothing. One the worker closed (it stopped, or died) reads its end; a
     * byte on an idle connection (a TLS alert) makes it unusable too. Costs a few microseconds.
     */
    boolean stillOpen() {
      try {
        tcp.configureBlocking(false);
        try {
          return tcp.read(probe.clear()) == 0;
        } finally {
          tcp.configureBlocking(true);
        }
      } catch (IOException e) {
        return false;
      }
    }

    Reply exchange(byte[] head, byte[] body) throws IOException {
      if (head.length + body.length <= 16 << 10) {
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        out.write(all); // one segment for a small call
      } else {
        out.write(head);
        out.write(body);
      }
      out.flush();
      int first = read();
      if (first < 0) {
        throw new EOFException("the worker closed the connection without a reply");
      }
      pos--;
      String status = line();
      if (!status.startsWith("HTTP/1.") || status.length() < 12) {
        throw new IOException("not an HTTP reply from the worker: " + status);
      }
      int code;
      try {
        code = Integer.parseInt(status.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status from the worker: " + status);
      }
      long length = -1;
      boolean chunked = false;
      boolean close = status.startsWith("HTTP/1.0");
      for (String h; !(h = line()).isEmpty(); ) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed header from the worker: " + h);
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> {
            try {
              length = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IOException("bad Content-Length from the worker: " + value);
            }
          }
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close |= value.equalsIgnoreCase("close");
          default -> { }
        }
      }
      if (!chunked && length < 0) {
        close = true; // the body ends when the worker closes the connection
      }
      return new Reply(this, code, chunked, length, close);
    }

    int read() throws IOException {
      if (pos == lim) {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
          return -1;
        }
        pos = 0;
        lim = n;
      }
      return buf[pos++] & 0xff;
    }

    /** A header or chunk-size line, CRLF stripped; ISO-8859-1, as HTTP's framing is. */
    String line() throws IOException {
      StringBuilder s = new StringBuilder(64);
      for (int c; (c = read()) != '\n'; ) {
        if (c < 0) {
          throw new EOFException("the worker closed the connection in the middle of a reply");
        }
        if (s.length() > MAX_HEADER_LINE) {
          throw new IOException("a header line from the worker is over " + MAX_HEADER_LINE + " bytes");
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is all that is wanted
      }
    }
  }

  /**
   * One reply: its status and its body, read as lines. Closing it returns the connection to the
   * pool if the body was read to its end and the worker keeps the connection open, else closes it.
   */
  static final class Reply implements Closeable {
    private final Connection c;
    private final int status;
    private final boolean chunked;
    private final boolean closeAfter;
    /** Bytes left in the body (fixed length) or in the current chunk; -1: until the connection closes. */
    private long left;
    private boolean ended;
    private boolean closed;

    private Reply(Connection c, int status, boolean chunked, long length, boolean closeAfter) {
      this.c = c;
      this.status = status;
      this.chunked = chunked;
      this.closeAfter = closeAfter;
      this.left = chunked ? 0 : length;
      this.ended = !chunked && length == 0;
    }

    int status() {
      return status;
    }

    /** The body's next line (UTF-8, without its line break), or null at the end of the body. */
    String readLine() throws IOException {
      ByteArrayOutputStream line = null;
      while (true) {
        int b = next();
        if (b < 0) {
          return line == null ? null : line.toString(StandardCharsets.UTF_8);
        }
        if (line == null) {
          line = new ByteArrayOutputStream(128);
        }
        if (b == '\n') {
          String s = line.toString(StandardCharsets.UTF_8);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        line.write(b);
      }
    }

    /** The rest of the body, as text. */
    String readAll() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int b; (b = next()) >= 0; ) {
        all.write(b);
      }
      return all.toString(StandardCharsets.UTF_8);
    }

    /** Reads what is left of the body, so that the connection can be used again. */
    void drain() throws IOException {
      while (next() >= 0) {
        // discard
      }
    }

    private int next() throws IOException {
      if (ended) {
        return -1;
      }
      if (chunked && left == 0) {
        left = chunkSize();
        if (left == 0) {
          while (!c.line().isEmpty()) {
            // trailers: none expected, none needed
          }
          ended = true;
          return -1;
        }
      }
      int b = c.read();
      if (b < 0) {
        if (left < 0) {
          ended = true;
          return -1;
        }
        throw new EOFException("the worker closed the connection in the middle of a reply");
      }
      if (left > 0 && --left == 0) {
        if (chunked) {
          if (!c.line().isEmpty()) {
            throw new IOException("malformed chunk from the worker: no line break after its data");
          }
        } else {
          ended = true;
        }
      }
      return b;
    }

    private long chunkSize() throws IOException {
      String line = c.line();
      int semi = line.indexOf(';');
      String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
      try {
        long size = Long.parseLong(hex, 16);
        if (size < 0) {
          throw new NumberFormatException();
        }
        return size;
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size from the worker: " + line);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (ended && !closeAfter && !Thread.currentThread().isInterrupted()) {
        c.pool.give(c);
      } else {
        c.close();
      }
    }
  }
}

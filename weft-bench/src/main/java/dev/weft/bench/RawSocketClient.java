package dev.weft.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A minimal blocking HTTP/1.1 keep-alive client over {@link Socket}, for {@link RemoteLatency}'s
 * {@code raw-socket} side: the floor of an HTTP round trip on loopback without the JDK client's
 * machinery (no selector thread, no hand-off between threads, no idle-connection watcher). The
 * call runs on the calling thread, which blocks in the socket read; a virtual thread unmounts there.
 *
 * <p>{@code POST} with a {@code Content-Length} body only, and replies with a {@code
 * Content-Length} body only (what {@code com.sun.net.httpserver} sends for a known length).
 * Anything else, and any status other than 200, fails with an {@link IllegalStateException}: a
 * floor measured on replies it did not understand would be no floor.
 *
 * <p>Connections are pooled: a call takes the most recently used idle one (or opens one) and
 * gives it back when the reply is read, so 64 concurrent callers settle on 64 connections and a
 * single caller on one. A connection idle longer than {@link #IDLE_LIMIT_NANOS} is closed rather
 * than reused: {@code HttpServer} closes connections idle for 30 s (checked every 10 s), and
 * sending on one it closed would look like a lost reply when it is only a stale connection.
 *
 * <p>Thread-safe: a connection is used by one call at a time, the pool and the set of open
 * connections are concurrent collections.
 */
final class RawSocketClient implements AutoCloseable {
  /** Well under {@code HttpServer}'s idle interval (30 s, {@code sun.net.httpserver.idleInterval}). */
  static final long IDLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Longer status or header lines, more headers or a larger body than these are malformed here. */
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_BODY = 1 << 20;

  private final String host;
  private final int port;
  private final Consumer<IOException> lost;
  /** Idle connections, most recently used first: the hot ones are reused, the others age out. */
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  /** Every open connection, idle or in use, so that {@link #close()} closes them all. */
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();

  /**
   * @param lost told of each lost reply: an {@link IOException} on a reused connection, after
   *     which the request is sent again on a new one
   */
  RawSocketClient(String host, int port, Consumer<IOException> lost) {
    this.host = host;
    this.port = port;
    this.lost = lost;
  }

  /**
   * Sends {@code POST path} with {@code body} and returns the reply's body.
   *
   * @throws IOException if the request failed on a new connection (a reused one that fails is
   *     replaced once, and the failure reported as a lost reply)
   * @throws IllegalStateException if the reply is not a well-formed 200 with a Content-Length body
   */
  byte[] post(String path, String contentType, byte[] body) throws IOException {
    byte[] request = request(path, contentType, body);
    Connection c = takeIdle();
    if (c != null) {
      try {
        return exchange(c, request);
      } catch (IOException e) {
        // A reused connection can fail without the server being at fault (it closed the
        // connection as we reused it); the echo is idempotent, so send it again on a new one.
        lost.accept(e);
      }
    }
    Connection fresh;
    try {
      fresh = connect();
    } catch (IOException e) {
      throw new IOException("raw-socket: cannot connect to " + host + ":" + port + ": " + e, e);
    }
    try {
      return exchange(fresh, request);
    } catch (IOException e) {
      throw new IOException("raw-socket: POST " + path + " to " + host + ":" + port + " failed on a new connection: " + e, e);
    }
  }

  /** Closes every connection, idle or in use. */
  @Override
  public void close() {
    idle.clear();
    for (Connection c : open) {
      c.close();
    }
  }

  private Connection takeIdle() {
    long now = System.nanoTime();
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      if (now - c.idleSince < IDLE_LIMIT_NANOS) {
        return c;
      }
      c.close();
    }
    return null;
  }

  private Connection connect() throws IOException {
    Socket s = new Socket();
    try {
      // Without it, the request (one write) would wait for the previous reply's delayed ACK.
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), 5_000);
      Connection c = new Connection(s);
      open.add(c);
      return c;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The request line, headers and body in one array, so that a request is one write and one segment. */
  private byte[] request(String path, String contentType, byte[] body) {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** One round trip on {@code c}; gives {@code c} back to the pool if it can be reused, closes it otherwise. */
  private byte[] exchange(Connection c, byte[] request) throws IOException {
    boolean reusable = false;
    try {
      c.out.write(request);
      c.out.flush();
      Reply reply = read(c.in);
      if (reply.status != 200) {
        throw new IllegalStateException("raw-socket: " + host + ":" + port + " answered status " + reply.status + ": "
            + new String(reply.body, StandardCharsets.UTF_8));
      }
      reusable = !reply.close;
      return reply.body;
    } finally {
      // Anything but a complete reply leaves the connection in an unknown state: never reuse it.
      if (reusable) {
        c.idleSince = System.nanoTime();
        idle.offerFirst(c);
      } else {
        c.close();
      }
    }
  }

  private record Reply(int status, byte[] body, boolean close) {}

  /** Reads the status line, the headers and exactly Content-Length body bytes. */
  private Reply read(InputStream in) throws IOException {
    String statusLine = line(in, true);
    if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.1 ") || !digits(statusLine, 9, 12)
        || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
      throw malformed("status line \"" + statusLine + "\"");
    }
    int status = Integer.parseInt(statusLine, 9, 12, 10);
    long length = -1;
    boolean close = false;
    for (int n = 0; ; n++) {
      String h = line(in, false);
      if (h.isEmpty()) {
        break;
      }
      if (n == MAX_HEADERS) {
        throw malformed("more than " + MAX_HEADERS + " headers");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw malformed("header \"" + h + "\"");
      }
      String name = h.substring(0, colon).strip();
      String value = h.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Content-Length")) {
        long l = value.isEmpty() || !digits(value, 0, value.length()) || value.length() > 10 ? -1 : Long.parseLong(value);
        if (l < 0 || (length >= 0 && l != length)) {
          throw malformed("Content-Length \"" + value + "\"" + (length >= 0 ? " after " + length : ""));
        }
        length = l;
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        throw malformed("Transfer-Encoding " + value + " (this client reads Content-Length bodies only)");
      } else if (name.equalsIgnoreCase("Connection")) {
        close = value.equalsIgnoreCase("close");
      }
    }
    if (length < 0) {
      throw malformed("no Content-Length (this client reads Content-Length bodies only)");
    }
    if (length > MAX_BODY) {
      throw malformed("Content-Length " + length + " (more than " + MAX_BODY + ")");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
    }
    return new Reply(status, body, close);
  }

  /** A line without its CRLF (or bare LF); an end of stream is an {@link EOFException}, the connection's failure. */
  private String line(InputStream in, boolean first) throws IOException {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException(first && b.isEmpty() ? "connection closed before the reply"
            : "connection closed in the reply's " + (first ? "status line" : "headers"));
      }
      if (c == '\n') {
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '\r') {
          b.setLength(end - 1);
        }
        return b.toString();
      }
      if (b.length() == MAX_LINE) {
        throw malformed("a line longer than " + MAX_LINE + " bytes");
      }
      b.append((char) c);
    }
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private IllegalStateException malformed(String what) {
    return new IllegalStateException("raw-socket: malformed reply from " + host + ":" + port + ": " + what);
  }

  /**
   * One socket and its streams. {@code idleSince} needs no volatile: it is written before the
   * connection is pooled and read after it is taken, and the deque orders the two.
   */
  private final class Connection {
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    long idleSince;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    void close() {
      open.remove(this);
      try {
        socket.close();
      } catch (IOException e) {
        // closing is all that is left to do with it
      }
    }
  }
}

package dev.weft.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link WeftServer} on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}): its one
 * dispatcher thread accepts connections and waits on idle ones, and every exchange runs on a new
 * virtual thread named {@code weft-http-N}, where the {@link Router} and a plain blocking handler
 * serve it. docs/SERVER.md says why this server and not another.
 */
final class HttpWeftServer implements WeftServer {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");
  private static final int BACKLOG = 1024;

  private final ServerConfig config;
  private final HttpServer server;
  private final ExecutorService exchanges;
  private final Router router;
  private final URI uri;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HttpWeftServer(ServerConfig config, HttpServer server, ExecutorService exchanges, Router router) {
    this.config = config;
    this.server = server;
    this.exchanges = exchanges;
    this.router = router;
    this.uri = uriOf(config.address(), server.getAddress().getPort());
  }

  static HttpWeftServer start(ServerConfig config) {
    InetSocketAddress address = new InetSocketAddress(config.address(), config.port().orElse(0));
    HttpServer server;
    try {
      server = HttpServer.create(address, BACKLOG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + config.address().getHostAddress() + ":"
          + (config.port().isPresent() ? config.port().getAsInt() : "any free port") + ": " + e.getMessage(), e);
    }
    ExecutorService exchanges = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("weft-http-", 0).factory());
    Service service = new Service(config.runtime(), config.journal(), config.applications(), config.maxBodyBytes());
    Router router = new Router(new Routes(service).all(), config.token());
    server.setExecutor(exchanges);
    server.createContext("/", router);
    HttpWeftServer s = new HttpWeftServer(config, server, exchanges, router);
    try {
      int resumed = config.runtime().resumeUnfinished(config.applications());
      if (resumed > 0) {
        LOG.log(System.Logger.Level.INFO, "resumed " + resumed + " unfinished request(s)");
      }
      server.start();
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "weft-server listening on " + s.uri);
    return s;
  }

  private static URI uriOf(InetAddress address, int port) {
    InetAddress reach = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    String host = reach.getHostAddress();
    if (reach instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
    }
    return URI.create("http://" + host + ":" + port + "/");
  }

  Router router() {
    return router;
  }

  @Override
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public Optional<String> token() {
    return config.token();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0); // stop accepting and close connections; open event streams end here
    exchanges.shutdownNow(); // interrupts handlers still blocked (event streams, ?wait=true)
    if (config.ownsRuntime()) {
      config.runtime().close();
    }
    if (config.ownsJournal()) {
      config.journal().close(); // after the runtime, which may still record
    }
  }

  @Override
  public String toString() {
    return "WeftServer[" + uri + "]";
  }
}

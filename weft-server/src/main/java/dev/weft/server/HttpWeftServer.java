package dev.weft.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link WeftServer} on Jetty 12's core API (no servlets): one acceptor and one selector thread
 * read requests without blocking, every exchange runs on a new virtual thread named {@code
 * weft-http-N} where the {@link Router} and a plain blocking handler serve it, and the {@link
 * ConnectionWatch} thread bounds header time and notices clients that hang up. docs/SERVER.md
 * says why this server.
 */
final class HttpWeftServer implements WeftServer {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");
  private static final int BACKLOG = 1024;
  /**
   * Jetty's own platform threads: the acceptor, the selector and short non-blocking tasks. A
   * fixed number, so the thread count does not drift with load (exchanges are virtual threads).
   */
  private static final int PLATFORM_THREADS = 8;
  /** The most the buffer pool keeps, on the heap and off it, each. */
  private static final long POOLED_BYTES = 16L * 1024 * 1024;
  /** How long close() lets interrupted exchanges send their last words before closing connections. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  /** The largest request line plus headers; larger is 431 (414 for the line alone). */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  private final ServerConfig config;
  private final Server server;
  private final ServerConnector connector;
  private final Router router;
  private final Service service;
  private final ConnectionWatch watch;
  private final AtomicBoolean closed = new AtomicBoolean();
  private URI uri;

  private HttpWeftServer(ServerConfig config, Server server, ServerConnector connector, Router router, Service service,
      ConnectionWatch watch) {
    this.config = config;
    this.server = server;
    this.connector = connector;
    this.router = router;
    this.service = service;
    this.watch = watch;
  }

  /**
   * Jetty's logger (through SLF4J to java.util.logging), quietened to warnings unless the
   * application set its level: Jetty's INFO lines (its version, "Started ...") say nothing a
   * Weft user acts on. Held here because java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger JETTY_LOG = java.util.logging.Logger.getLogger("org.eclipse.jetty");

  static {
    if (JETTY_LOG.getLevel() == null) {
      JETTY_LOG.setLevel(java.util.logging.Level.WARNING);
    }
  }

  static HttpWeftServer start(ServerConfig config) {
    ServerConfig.Limits limits = config.limits();
    QueuedThreadPool threads = new QueuedThreadPool(PLATFORM_THREADS, PLATFORM_THREADS);
    threads.setName("weft-http-io");
    threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("weft-http-", 0).factory()));
    // A bounded buffer pool: what it keeps after a burst of connections is capped, not a share of the heap.
    Server server = new Server(threads, null, new ArrayByteBufferPool(0, -1, -1, -1, POOLED_BYTES, POOLED_BYTES));
    server.setStopTimeout(0); // close() ends open exchanges itself; nothing to drain gracefully

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    // Path segments are percent-decoded by the router, one by one, so an encoded slash (%2F)
    // or percent sign inside a request id is data, not ambiguity.
    http.setUriCompliance(UriCompliance.DEFAULT.with("weft", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
    ServerConnector connector = config.tls().isEmpty()
        ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
        : new ServerConnector(server, 1, 1, tls(config.tls().get(), http), new HttpConnectionFactory(http));
    connector.setHost(config.address().getHostAddress());
    connector.setPort(config.port().orElse(0));
    connector.setAcceptQueueSize(BACKLOG);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    ConnectionWatch watch = new ConnectionWatch(limits.headerTimeout());
    connector.addEventListener(watch);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));

    Service service = new Service(config.runtime(), config.journal(), config.applications(), config.maxBodyBytes());
    Router router = new Router(new Routes(service, heartbeat(limits.idleTimeout()), config.metrics()).all(), config.token(), watch,
        limits.readTimeout());
    server.setHandler(router);
    server.setErrorHandler(new ErrorReplies());
    HttpWeftServer s = new HttpWeftServer(config, server, connector, router, service, watch);
    try {
      int resumed = config.runtime().resumeUnfinished(config.applications());
      if (resumed > 0) {
        LOG.log(System.Logger.Level.INFO, "resumed " + resumed + " unfinished request(s)");
      }
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + config.address().getHostAddress() + ":"
            + (config.port().isPresent() ? config.port().getAsInt() : "any free port") + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
      }
      s.uri = uriOf(config.tls().isPresent() ? "https" : "http", config.address(), connector.getLocalPort());
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "weft-server listening on " + s.uri);
    return s;
  }

  /** TLS 1.2 or newer with the JDK's default cipher suites, which exclude the weak ones. */
  private static SslConnectionFactory tls(SSLContext context, HttpConfiguration http) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(context);
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // Clients reach a server by an IP address as often as by name; the certificate is the client's to check.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    return new SslConnectionFactory(ssl, org.eclipse.jetty.http.HttpVersion.HTTP_1_1.asString());
  }

  /** How often an idle event stream sends a comment: every 15 s, or often enough for the idle timeout. */
  static Duration heartbeat(Duration idleTimeout) {
    Duration half = idleTimeout.dividedBy(2);
    return half.compareTo(Routes.HEARTBEAT) < 0 ? half : Routes.HEARTBEAT;
  }

  private static URI uriOf(String scheme, InetAddress address, int port) {
    InetAddress reach = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    String host = reach.getHostAddress();
    if (reach instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
    }
    return URI.create(scheme + "://" + host + ":" + port + "/");
  }

  Router router() {
    return router;
  }

  /** How many progress watches (listener plus waiting thread) event streams hold now. */
  int openWatches() {
    return service.openWatches();
  }

  /** How many exchanges are being handled now, each on its own virtual thread. */
  int activeExchanges() {
    return router.activeExchanges();
  }

  /** How many connections are open now. */
  int openConnections() {
    return watch.openConnections();
  }

  @Override
  public int port() {
    return connector.getLocalPort();
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
    router.closing(CLOSE_GRACE); // ?wait=true exchanges answer 503, event streams end
    try {
      server.stop(); // stop accepting and close the connections
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "stopping the HTTP server failed", e);
    }
    watch.close();
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

package dev.weft.cli;

import dev.weft.Applications;
import dev.weft.server.WeftServer;
import java.util.Optional;

/** A real server in this JVM, on a free loopback port, serving {@link CliTestApps} from memory. */
final class TestServer implements AutoCloseable {
  private final WeftServer server;

  private TestServer(WeftServer server) {
    this.server = server;
  }

  static TestServer start() {
    return start(Optional.empty());
  }

  static TestServer start(Optional<String> token) {
    WeftServer.Builder builder = WeftServer.builder().applications(Applications.of(CliTestApps.class)).anyFreePort();
    token.ifPresent(builder::bearerToken);
    return new TestServer(builder.start());
  }

  /** A server of {@code applications} journaling to the SQLite file {@code journal}. */
  static TestServer start(Applications applications, java.nio.file.Path journal) {
    return new TestServer(WeftServer.builder().applications(applications).sqliteJournal(journal).anyFreePort().start());
  }

  /** {@code http://127.0.0.1:PORT}, as --server takes it. */
  String url() {
    String uri = server.uri().toString();
    return uri.substring(0, uri.length() - 1);
  }

  WeftClient client() {
    return new WeftClient(server.uri(), server.token());
  }

  @Override
  public void close() {
    server.close();
  }
}

package dev.weft.cli;

import dev.weft.Applications;
import dev.weft.WeftException;
import dev.weft.WeftRuntime;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.sqlite.JournalLockedException;
import dev.weft.journal.sqlite.SqliteJournal;
import dev.weft.server.WeftServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft server}: serves the applications found on the class path (or in jars) over HTTP,
 * with a SQLite journal in a data directory, until the process is told to stop.
 *
 * <p>Start-up: print the absolute data directory; copy the {@code --jar} jars into it
 * ({@link ServedJars}); scan for applications and list them on standard error; open the journal
 * (refused if another process has it open); start the server, which resumes the requests the
 * journal holds as running (and logs how many, once); print
 * {@code weft server listening on http://HOST:PORT} on standard output (scripts and tests read
 * it). SIGTERM or Ctrl-C stops the server, then the runtime, then the journal; a request still
 * running stays recorded as running and resumes when a server starts again on the same data.
 */
@Command(
    name = "server",
    description = {
      "Serve applications over HTTP: the @Application methods found on the class path, or in the given jars.",
      "Requests are journaled in a SQLite file in --data, so they survive a crash or a restart: unfinished ones "
          + "resume when a server starts again on the same --data, without redoing finished calls.",
      "Prints 'weft server listening on <url>' on standard output once it serves; stops on Ctrl-C or SIGTERM."
    },
    footer = {
      "%nExamples:",
      "  weft server                             # the examples' apps, on port 8080",
      "  weft server --port 0 --data /tmp/weft   # any free port (the URL is printed)",
      "  weft server --jar app.jar --host 0.0.0.0 --token-file /etc/weft/token \\",
      "      --tls-cert cert.pem --tls-key key.pem   # HTTPS; clients: --tls-ca cert.pem",
      "%nRoutes: POST /v1/applications/{app}, GET /v1/applications, GET /v1/requests,",
      "GET /v1/requests/{id}[/output|/progress], DELETE /v1/requests/{id};",
      "all described at GET /openapi.json. A browser opening the server's address gets its dashboard."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "1:the server could not start (the port is in use)",
      "2:wrong options (a bad flag, a host that does not resolve, a missing or empty --token-file, bad TLS "
          + "files, plain HTTP beyond loopback without --insecure), or no applications found",
      "3:the journal is in use by another process (another weft server on the same --data)",
      "4:the journal cannot be used (damaged, read-only, not a Weft journal, written by a newer Weft)",
      "143:stopped by SIGTERM (130: by Ctrl-C)"
    })
final class ServerCommand implements Callable<Integer> {
  /** The journal's file name inside --data. */
  static final String JOURNAL_FILE = "weft.db";
  /** The default --data, relative to the working directory. */
  static final String DEFAULT_DATA = ".weft/data";

  @Spec
  private CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "<host>",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Any address beyond loopback, such as 0.0.0.0, "
          + "needs a bearer token: --token-file, $WEFT_TOKEN or --token, else one is generated and printed; and "
          + "--tls-cert/--tls-key, or --insecure for plain HTTP.")
  private String host;

  @Option(
      names = "--tls-cert",
      paramLabel = "<file>",
      description = "Serve HTTPS with this PEM certificate chain (the server's certificate first); needs --tls-key.")
  private Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "<file>",
      description = "The PEM private key of --tls-cert (unencrypted: 'BEGIN PRIVATE KEY', RSA or EC; or 'BEGIN RSA PRIVATE KEY').")
  private Path tlsKey;

  @Option(
      names = "--insecure",
      description = "Allow plain HTTP on an address beyond loopback (tokens and data cross the network unencrypted).")
  private boolean insecure;

  @Option(
      names = "--port",
      paramLabel = "<port>",
      defaultValue = "8080",
      description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--data",
      paramLabel = "<dir>",
      defaultValue = DEFAULT_DATA,
      description = "Directory of the journal file (" + JOURNAL_FILE + "), created if missing (default: ${DEFAULT-VALUE}).")
  private Path data;

  @Option(
      names = "--jar",
      paramLabel = "<path>",
      description = "Serve the applications in this jar instead of the class path's (repeatable). Its dependencies "
          + "must be inside it or on weft's class path. The server loads a copy kept in --data, so rebuilding the "
          + "jar is safe: the new build is served after a restart.")
  private List<Path> jars = new ArrayList<>();

  @Option(
      names = "--token",
      paramLabel = "<token>",
      defaultValue = "${env:WEFT_TOKEN}",
      description = "Bearer token every /v1 request must carry, 16..512 visible ASCII characters "
          + "(default: $WEFT_TOKEN; none on loopback). Other local users can see it in the process list: "
          + "prefer --token-file or $WEFT_TOKEN.")
  private String token;

  @Option(
      names = "--token-file",
      paramLabel = "<path>",
      description = "Read the bearer token from this file (trimmed of white space) instead of --token or $WEFT_TOKEN.")
  private Path tokenFile;

  @Option(
      names = "--require-token",
      description = "Require a bearer token on loopback too; without --token, --token-file or $WEFT_TOKEN one is "
          + "generated and printed.")
  private boolean requireToken;

  @Option(
      names = "--retention",
      paramLabel = "<duration>",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description = "How long finished requests are kept in the journal: 30m, 12h, 7d or ISO-8601 "
          + "(default: ${DEFAULT-VALUE}).")
  private Duration retention;

  @Option(
      names = "--metrics",
      description = "Record metrics (calls, requests, event loops, journal commits) and serve them at GET /metrics "
          + "as Prometheus text, with the same token as /v1. Off by default: then nothing is recorded.")
  private boolean metrics;

  /** --db and its companions: a fleet node on PostgreSQL instead of SQLite. */
  @picocli.CommandLine.Mixin
  private FleetOptions fleet = new FleetOptions();

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw CommandFailure.usage("--port must be 0..65535 (0: any free port), was " + port);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw CommandFailure.usage("give --tls-cert and --tls-key together (the certificate chain and its private key)");
    }
    if (tlsCert == null && !insecure && beyondLoopback(host)) {
      throw CommandFailure.usage("refusing plain HTTP on " + host + ", beyond loopback: serve HTTPS with --tls-cert FILE "
          + "--tls-key FILE, listen on 127.0.0.1, or give --insecure to allow plain HTTP");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path journalFile = data.resolve(JOURNAL_FILE).toAbsolutePath().normalize();
    if (fleet.url().isEmpty()) {
      err.println("weft server: data directory " + journalFile.getParent());
    }
    Optional<String> bearer = bearerToken(err);

    long scanStart = System.nanoTime();
    // --jar: load from private copies, so that rebuilding a jar in place cannot break this server.
    ServedJars served = ServedJars.copy(jars, data.resolve("jars"));
    ApplicationScanner.Found found = jars.isEmpty() ? ApplicationScanner.classPath()
        : ApplicationScanner.jars(served.copies());
    found.warnings().forEach(w -> err.println("weft server: " + w));
    Applications apps = found.applications();
    String where = jars.isEmpty() ? "the class path" : String.join(", ", jars.stream().map(Path::toString).toList());
    if (apps.all().isEmpty()) {
      throw CommandFailure.usage("found no @Application methods in " + where + " (" + found.classesScanned()
          + " classes scanned); put your application classes on the class path, or pass --jar app.jar");
    }
    err.printf(Locale.ROOT, "weft server: %d application(s) from %s (%d classes scanned in %d ms):%n",
        apps.all().size(), where, found.classesScanned(), (System.nanoTime() - scanStart) / 1_000_000);
    int width = apps.all().stream().mapToInt(a -> a.name().length()).max().orElse(0);
    for (Applications.Entry app : apps.all()) {
      err.println(("  " + pad(app.name(), width) + "  " + app.description()).stripTrailing());
    }
    err.flush();

    if (fleet.url().isPresent()) {
      return FleetServer.run(fleet, fleet.url().get(), host, port, this::secure,
          fleet.workerNetwork(tlsCert, tlsKey, insecure), this, bearer.orElse(null), retention, apps,
          found.loader(),
          out, err);
    }
    try {
      Files.createDirectories(journalFile.getParent());
    } catch (IOException e) {
      throw new CommandFailure(CommandFailure.JOURNAL_UNUSABLE, "cannot create the data directory "
          + journalFile.getParent() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); choose a writable --data", e);
    }
    SqliteJournal journal;
    try {
      journal = SqliteJournal.open(journalFile, SqliteJournal.Options.defaults().withRetention(retention));
    } catch (JournalLockedException e) {
      throw new CommandFailure(CommandFailure.JOURNAL_IN_USE, e.getMessage(), e);
    } catch (WeftException e) { // damaged, read-only, not a journal, newer: nothing to serve from
      throw new CommandFailure(CommandFailure.JOURNAL_UNUSABLE, e.getMessage(), e);
    }
    WeftRuntime runtime = observed(WeftRuntime.builder().journal(journal)).build();
    WeftServer server;
    try {
      reportUnfinished(journal.unfinished(), apps, err);
      WeftServer.Builder builder = served(WeftServer.builder().applications(apps).runtime(runtime).journal(journal)
          .host(host));
      if (port == 0) {
        builder.anyFreePort();
      } else {
        builder.port(port);
      }
      bearer.ifPresent(builder::bearerToken);
      secure(builder);
      server = builder.start(); // resumes the unfinished requests of the hosted applications
    } catch (IllegalArgumentException e) {
      close(runtime, journal);
      throw new CommandFailure(CommandLine.ExitCode.USAGE, e.getMessage(), e);
    } catch (RuntimeException e) {
      close(runtime, journal);
      if (bindFailure(e)) {
        throw new CommandFailure(CommandLine.ExitCode.SOFTWARE, "cannot listen on " + host + ":" + port
            + ": the port is in use (or not allowed); stop what uses it, or choose another with --port (0: any free "
            + "port)", e);
      }
      if (e instanceof UncheckedIOException) {
        throw new CommandFailure(CommandLine.ExitCode.SOFTWARE, "cannot listen on " + host + ":" + port + ": "
            + e.getMessage(), e);
      }
      throw e;
    } catch (Error e) {
      close(runtime, journal);
      throw e;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (stopping.compareAndSet(false, true)) {
        err.println("weft server: stopping (requests still running resume when a server starts again on "
            + data + ")");
        err.flush();
        server.close();
        close(runtime, journal);
        err.println("weft server: stopped");
        err.flush();
        stopped.countDown();
      }
    }, "weft-server-shutdown"));

    // How many requests resumed is logged once, by the server that resumed them.
    err.printf(Locale.ROOT, "weft server: journal %s (finished requests kept %s)%n", journalFile, describe(retention));
    err.println("weft server: dashboard at " + server.uri());
    served.watch(ServedJars.WATCH_EVERY, line -> {
      err.println("weft server: " + line);
      err.flush();
    });
    err.flush();
    String uri = server.uri().toString();
    out.println("weft server listening on " + (uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri));
    out.flush();
    stopped.await(); // the shutdown hook ends the process; this thread only keeps it alive until then
    return 0;
  }

  /** Whether {@code host} resolves to an address beyond loopback; one that does not resolve is the builder's to report. */
  private static boolean beyondLoopback(String host) {
    try {
      return !java.net.InetAddress.getByName(host.strip()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * The bearer token to require, from --token-file, --token or $WEFT_TOKEN (in that order), or
   * generated if --require-token and none was given; warns when --token was typed on the command
   * line, where every local user can read it ({@code ps}).
   */
  /** Applies --tls-cert/--tls-key and --insecure to a server about to start. */
  /** The runtime's observers: metrics with --metrics, else none (nothing is recorded). */
  WeftRuntime.Builder observed(WeftRuntime.Builder builder) {
    return metrics ? builder.observer(new dev.weft.micrometer.WeftMetrics()) : builder.observer();
  }

  /** What GET /metrics serves: the metrics' Prometheus text with --metrics, else nothing (404). */
  WeftServer.Builder served(WeftServer.Builder builder) {
    return metrics ? builder.metrics(new dev.weft.micrometer.PrometheusText()) : builder.withoutMetrics();
  }

  private void secure(WeftServer.Builder builder) {
    if (tlsCert != null) {
      builder.tls(tlsCert, tlsKey);
    }
    if (insecure) {
      builder.insecure();
    }
  }

  private Optional<String> bearerToken(PrintWriter err) {
    boolean typed = spec.commandLine().getParseResult().hasMatchedOption("--token");
    if (typed && tokenFile != null) {
      throw CommandFailure.usage("give --token or --token-file, not both");
    }
    Optional<String> chosen;
    if (tokenFile != null) {
      chosen = Optional.of(TokenFile.read(tokenFile));
    } else {
      chosen = Optional.ofNullable(token).filter(t -> !t.isBlank());
      if (typed) {
        err.println("weft server: warning: --token shows in the process list (ps) to every user of this machine; "
            + "use --token-file or $WEFT_TOKEN instead");
      }
    }
    if (chosen.isEmpty() && requireToken) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      err.println("weft server: --require-token: every /v1 request needs the header 'Authorization: Bearer "
          + generated + "' (give your own with --token-file)");
      chosen = Optional.of(generated);
    }
    return chosen;
  }

  private static boolean bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** Prints which unfinished requests stay paused, since their applications are not served here. */
  private static void reportUnfinished(List<RequestInfo> unfinished, Applications apps, PrintWriter err) {
    TreeSet<String> missing = new TreeSet<>();
    int stranded = 0;
    for (RequestInfo info : unfinished) {
      if (apps.find(info.application()).isEmpty()) {
        stranded++;
        missing.add(info.application());
      }
    }
    if (stranded > 0) {
      err.println("weft server: " + stranded + " unfinished request(s) stay paused: their applications are not "
          + "served here (" + String.join(", ", missing) + ")");
    }
  }

  private static void close(WeftRuntime runtime, SqliteJournal journal) {
    try {
      runtime.close();
    } finally {
      journal.close(); // after the runtime, which may still record
    }
  }

  static String describe(Duration d) {
    if (d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0) {
      return d.toDays() + "d";
    }
    if (d.toSeconds() % 3_600 == 0 && d.toNanosPart() == 0) {
      return d.toHours() + "h";
    }
    if (d.toSeconds() % 60 == 0 && d.toNanosPart() == 0) {
      return d.toMinutes() + "m";
    }
    return d.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}

package dev.weft.cli;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.sqlite.SqliteJournal;
import dev.weft.server.WeftServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft server}: serves the applications found on the class path (or in jars) over HTTP,
 * with a SQLite journal in a data directory, until the process is told to stop.
 *
 * <p>Start-up: scan for applications and list them on standard error; open the journal; start the
 * server, which resumes the requests the journal holds as running (how many is printed); print
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
      "  weft server --jar app.jar --host 0.0.0.0 --token \"$(openssl rand -base64 32)\"",
      "%nRoutes: POST /v1/applications/{app}, GET /v1/applications, GET /v1/requests,",
      "GET /v1/requests/{id}[/output|/progress], DELETE /v1/requests/{id};",
      "all described at GET /openapi.json."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "1:the server could not start (port in use, journal unreadable)",
      "2:wrong options, or no applications found",
      "143:stopped by SIGTERM (130: by Ctrl-C)"
    })
final class ServerCommand implements Callable<Integer> {
  /** The journal's file name inside --data. */
  static final String JOURNAL_FILE = "weft.db";

  @Spec
  private CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "<host>",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Any address beyond loopback, such as 0.0.0.0, "
          + "needs a bearer token: --token, else one is generated and printed.")
  private String host;

  @Option(
      names = "--port",
      paramLabel = "<port>",
      defaultValue = "8080",
      description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--data",
      paramLabel = "<dir>",
      defaultValue = ".weft/data",
      description = "Directory of the journal file (" + JOURNAL_FILE + "), created if missing (default: ${DEFAULT-VALUE}).")
  private Path data;

  @Option(
      names = "--jar",
      paramLabel = "<path>",
      description = "Serve the applications in this jar instead of the class path's (repeatable). Its dependencies "
          + "must be inside it or on weft's class path.")
  private List<Path> jars = new ArrayList<>();

  @Option(
      names = "--token",
      paramLabel = "<token>",
      defaultValue = "${env:WEFT_TOKEN}",
      description = "Bearer token every /v1 request must carry, 16..512 visible ASCII characters "
          + "(default: $WEFT_TOKEN; none on loopback).")
  private String token;

  @Option(
      names = "--retention",
      paramLabel = "<duration>",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description = "How long finished requests are kept in the journal: 30m, 12h, 7d or ISO-8601 "
          + "(default: ${DEFAULT-VALUE}).")
  private Duration retention;

  /** --db and its companions: a fleet node on PostgreSQL instead of SQLite. */
  @picocli.CommandLine.Mixin
  private FleetOptions fleet = new FleetOptions();

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw CommandFailure.usage("--port must be 0..65535 (0: any free port), was " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    long scanStart = System.nanoTime();
    ApplicationScanner.Found found = jars.isEmpty() ? ApplicationScanner.classPath() : ApplicationScanner.jars(jars);
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
      return FleetServer.run(fleet, fleet.url().get(), host, port, token, retention, apps, out, err);
    }
    Path journalFile = data.resolve(JOURNAL_FILE).toAbsolutePath();
    try {
      Files.createDirectories(journalFile.getParent());
    } catch (IOException e) {
      throw CommandFailure.failed("cannot create the data directory " + journalFile.getParent() + ": " + e.getMessage());
    }
    SqliteJournal journal = SqliteJournal.open(journalFile, SqliteJournal.Options.defaults().withRetention(retention));
    WeftRuntime runtime = WeftRuntime.builder().journal(journal).build();
    WeftServer server;
    int resumable;
    try {
      resumable = reportUnfinished(journal.unfinished(), apps, err);
      WeftServer.Builder builder = WeftServer.builder().applications(apps).runtime(runtime).journal(journal).host(host);
      if (port == 0) {
        builder.anyFreePort();
      } else {
        builder.port(port);
      }
      if (token != null && !token.isBlank()) {
        builder.bearerToken(token);
      }
      server = builder.start(); // resumes the unfinished requests of the hosted applications
    } catch (IllegalArgumentException e) {
      close(runtime, journal);
      throw CommandFailure.usage(e.getMessage());
    } catch (UncheckedIOException e) {
      close(runtime, journal);
      throw CommandFailure.failed(e.getMessage());
    } catch (RuntimeException | Error e) {
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

    err.printf(Locale.ROOT, "weft server: journal %s (finished requests kept %s); resumed %d unfinished request(s)%n",
        journalFile, describe(retention), resumable);
    err.flush();
    String uri = server.uri().toString();
    out.println("weft server listening on " + (uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri));
    out.flush();
    stopped.await(); // the shutdown hook ends the process; this thread only keeps it alive until then
    return 0;
  }

  /** Prints which unfinished requests will resume and which cannot here; returns how many will. */
  private static int reportUnfinished(List<RequestInfo> unfinished, Applications apps, PrintWriter err) {
    int resumable = 0;
    TreeSet<String> missing = new TreeSet<>();
    int stranded = 0;
    for (RequestInfo info : unfinished) {
      if (apps.find(info.application()).isPresent()) {
        resumable++;
      } else {
        stranded++;
        missing.add(info.application());
      }
    }
    if (stranded > 0) {
      err.println("weft server: " + stranded + " unfinished request(s) stay paused: their applications are not "
          + "served here (" + String.join(", ", missing) + ")");
    }
    return resumable;
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

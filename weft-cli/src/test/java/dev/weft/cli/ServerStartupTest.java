package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.weft.journal.sqlite.SqliteJournal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code weft server} fails to start (one line saying what to fix, a documented exit code, a
 * stack only with --verbose) and how it takes its bearer token.
 */
final class ServerStartupTest {
  @TempDir Path dir;

  /** The lines of {@code err} but the start-up's progress (the data directory, the applications found). */
  private static String[] ownLines(String err) {
    return err.lines().filter(l -> !l.startsWith("weft server: ") && !l.startsWith("  ")).toArray(String[]::new);
  }

  private static int status(URI base, Optional<String> token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/applications"));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  @Test
  void server_secondOnTheSameData_refusesWithOneLineNamingTheHolderAndExitsThree()
      throws IOException, InterruptedException {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(data)) {
      ServerProcess.Ended second = ServerProcess.run("server", "--port", "0", "--data", data.toString());

      Path journal = data.resolve(ServerCommand.JOURNAL_FILE).toAbsolutePath();
      assertThat(second.exitCode()).as(second.err()).isEqualTo(3);
      assertThat(ownLines(second.err())).containsExactly("weft: the journal " + journal + " is in use by process "
          + first.process().pid() + " (started " + first.process().info().startInstant().orElseThrow() + " on host "
          + lineHost(second.err()) + "); stop that process first, or give this one another data directory");
      assertThat(second.err()).doesNotContain("\tat ").contains("weft server: data directory " + journal.getParent());
      assertThat(first.stderr()).contains("weft server: data directory " + journal.getParent());
      assertThat(first.client().get("/v1/applications").size()).isPositive(); // the first one serves on
    }
  }

  private static String lineHost(String err) {
    Matcher m = Pattern.compile(" on host (.*)\\); stop").matcher(err);
    return m.find() ? m.group(1) : "?";
  }

  @Test
  void server_damagedJournal_exitsFourWithOneLine_andTheStackOnlyWithVerbose() throws IOException {
    Path data = dir.resolve("data");
    Path file = data.resolve(ServerCommand.JOURNAL_FILE);
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      for (int i = 0; i < 100; i++) {
        journal.create(new dev.weft.journal.NewRequest("r" + i, "app", "y".repeat(1_000), String.class,
            Optional.empty()));
      }
    }
    byte[] garbage = new byte[8 * 4096];
    Arrays.fill(garbage, (byte) 0x5A);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(4 * 4096);
      raf.write(garbage);
    }

    Cli.Result plain = Cli.run("server", "--port", "0", "--data", data.toString());
    Cli.Result verbose = Cli.run("server", "--port", "0", "--data", data.toString(), "--verbose");

    assertThat(plain.exitCode()).isEqualTo(4);
    assertThat(ownLines(plain.err())).singleElement().asString()
        .startsWith("weft: the journal " + file.toAbsolutePath() + " is damaged (")
        .contains("restore it from a backup");
    assertThat(verbose.exitCode()).isEqualTo(4);
    assertThat(verbose.err()).contains("JournalDamagedException").contains("\tat dev.weft.");
  }

  @Test
  void server_dataIsAFile_exitsFourWithOneLine() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

    Cli.Result result = Cli.run("server", "--port", "0", "--data", notADirectory.toString());

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(ownLines(result.err())).singleElement().asString()
        .startsWith("weft: cannot create the data directory " + notADirectory.toAbsolutePath())
        .endsWith("; choose a writable --data");
  }

  @Test
  void server_readOnlyJournal_exitsFourWithOneLine() throws IOException {
    // root may write anything: a read-only file is only read-only to others
    assumeThat(System.getProperty("user.name")).isNotEqualTo("root");
    Path data = dir.resolve("data");
    Path file = data.resolve(ServerCommand.JOURNAL_FILE);
    SqliteJournal.open(file).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

    Cli.Result result = Cli.run("server", "--port", "0", "--data", data.toString());

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(ownLines(result.err())).containsExactly("weft: the journal " + file.toAbsolutePath()
        + " is read-only; give the user running Weft write access to it and to its directory");
  }

  @Test
  void server_portInUse_exitsOneWithOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result result = Cli.run("server", "--port", Integer.toString(taken.getLocalPort()), "--data",
          dir.resolve("data").toString());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(ownLines(result.err())).containsExactly("weft: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the port is in use (or not allowed); stop what uses it, or choose another with --port (0: any free port)");
    }
    try (SqliteJournal again = SqliteJournal.open(dir.resolve("data").resolve(ServerCommand.JOURNAL_FILE))) {
      assertThat(again.unfinished()).isEmpty(); // the failed start closed (and unlocked) its journal
    }
  }

  @Test
  void server_unknownFlag_exitsTwoWithOneLine() {
    Cli.Result result = Cli.run("server", "--prot", "8080");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().lines()).containsExactly(
        "weft server: unknown option '--prot'; did you mean '--port'? (see 'weft server --help')");
  }

  @Test
  void server_missingOrEmptyTokenFile_exitsTwoSayingWhatToDo() throws IOException {
    Path missing = dir.resolve("missing-token");
    Path empty = Files.writeString(dir.resolve("empty-token"), "  \n");

    Cli.Result noFile = Cli.run("server", "--token-file", missing.toString(), "--data", dir.resolve("d").toString());
    Cli.Result blank = Cli.run("server", "--token-file", empty.toString(), "--data", dir.resolve("d").toString());
    Cli.Result both = Cli.run("server", "--token-file", empty.toString(), "--token", "0123456789abcdef0123",
        "--data", dir.resolve("d").toString());

    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(ownLines(noFile.err())).singleElement().asString()
        .isEqualTo("weft: --token-file " + missing + ": no such file; write the token into it (for example: "
            + "openssl rand -base64 32 > " + missing + ")");
    assertThat(blank.exitCode()).isEqualTo(2);
    assertThat(ownLines(blank.err())).singleElement().asString().contains("is empty; write the token into it");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(ownLines(both.err())).containsExactly("weft: give --token or --token-file, not both");
  }

  @Test
  void server_tokenFile_requiresThatTokenWithoutWarning() throws IOException, InterruptedException {
    String token = "file-token-0123456789abcdef";
    Path file = Files.writeString(dir.resolve("token"), token + "\n");

    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--token-file", file.toString())) {
      assertThat(status(server.url(), Optional.empty())).isEqualTo(401);
      assertThat(status(server.url(), Optional.of(token))).isEqualTo(200);
      Cli.Result listed = Cli.run("applications", "--server", server.url().toString(), "--token-file",
          file.toString());
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(server.stderr()).doesNotContain("warning").doesNotContain(token);
    }
  }

  @Test
  void server_tokenOnTheCommandLine_warnsThatPsShowsIt() throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--token", "typed-token-0123456789")) {
      assertThat(status(server.url(), Optional.of("typed-token-0123456789"))).isEqualTo(200);
      assertThat(server.stderr()).contains("weft server: warning: --token shows in the process list (ps) to every "
          + "user of this machine; use --token-file or $WEFT_TOKEN instead");
    }
  }

  @Test
  void server_requireTokenOnLoopback_generatesPrintsAndRequiresOne() throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--require-token")) {
      Matcher m = Pattern.compile("'Authorization: Bearer ([A-Za-z0-9_-]{43})'").matcher(server.stderr());
      assertThat(m.find()).as(server.stderr()).isTrue();

      assertThat(status(server.url(), Optional.empty())).isEqualTo(401);
      assertThat(status(server.url(), Optional.of(m.group(1)))).isEqualTo(200);
    }
  }
}

package dev.weft.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code weft server} in a process of its own: this JVM's java and class path, main class
 * {@link WeftCli}. Standard error goes to a file (read it with {@link #stderr()}); the URL comes
 * from the {@code weft server listening on} line of standard output.
 */
final class ServerProcess implements AutoCloseable {
  private static final String LISTENING = "weft server listening on ";

  private final Process process;
  private final Path stderr;
  private final URI url;

  private ServerProcess(Process process, Path stderr, URI url) {
    this.process = process;
    this.stderr = stderr;
    this.url = url;
  }

  /** Starts {@code weft server --port 0 --data data args...} and waits until it listens. */
  static ServerProcess start(Path data, String... args) throws IOException, InterruptedException {
    return start(data, java.util.Map.of(), args);
  }

  /** {@link #start(Path, String...)} with {@code env} added to the server's environment. */
  static ServerProcess start(Path data, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow(() ->
        new IllegalStateException("cannot tell which java runs this test"));
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), WeftCli.class.getName(),
        "server", "--port", "0", "--data", data.toString()));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile("weft-server-", ".stderr");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    LinkedBlockingQueue<String> lines = stdoutLines(process);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(LISTENING)) {
        return new ServerProcess(process, stderr, URI.create(line.substring(LISTENING.length()).strip()));
      }
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        throw new IllegalStateException("weft server exited with " + process.exitValue() + " before listening; stderr:\n"
            + Files.readString(stderr));
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("weft server did not print '" + LISTENING + "...' within 90 s; stderr:\n"
        + Files.readString(stderr));
  }

  /** The lines {@code process} prints on standard output, as they come (read by a thread of their own). */
  static LinkedBlockingQueue<String> stdoutLines(Process process) {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().name("weft-stdout-" + process.pid()).start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process has gone; whoever waits for a line times out and says so
      }
    });
    return lines;
  }

  /** What a {@code weft} process that ran to its end printed, and its exit code. */
  record Ended(int exitCode, String out, String err) {}

  /**
   * Runs {@code weft args...} in a process of its own (for a start that must fail) and waits up to
   * 90 s for it to end.
   */
  static Ended run(String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow(() ->
        new IllegalStateException("cannot tell which java runs this test"));
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), WeftCli.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("weft-", ".stdout");
    Path err = Files.createTempFile("weft-", ".stderr");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("weft " + String.join(" ", args) + " did not end within 90 s; stderr:\n"
            + Files.readString(err));
      }
      return new Ended(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** {@code http://127.0.0.1:PORT}, as printed. */
  URI url() {
    return url;
  }

  Process process() {
    return process;
  }

  WeftClient client() {
    return new WeftClient(url, java.util.Optional.empty());
  }

  /** Kills the server with SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); returns its exit code. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Asks the server to stop with SIGTERM and waits for it; returns its exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("weft server did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** What the server wrote to standard error so far. */
  String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(stderr);
  }
}

package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code weft.jar}, started as {@code ./weft} starts it: {@code java -jar} with no
 * JVM options. Runs after {@code package} (failsafe), on the JDK the build selected.
 */
final class WeftJarIT {
  @Test
  void server_fromTheJar_printsNoNativeAccessWarnings(@TempDir Path dir) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("weft.jar"));
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path stderr = dir.resolve("stderr");
    Process server = new ProcessBuilder(java, "-jar", jar.toString(), "server", "--port", "0",
        "--data", dir.resolve("data").toString())
        .redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
    String firstLine;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      firstLine = out.readLine(); // "weft server listening on ...", once the journal is open
    } finally {
      server.destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    String err = Files.readString(stderr);
    assertThat(firstLine).as(err).startsWith("weft server listening on ");
    assertThat(err).as("the SQLite driver's native library loads without JDK 24+ warnings")
        .doesNotContain("restricted method")
        .doesNotContain("enable-native-access")
        .doesNotContain("WARNING");
  }
}

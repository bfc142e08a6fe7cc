package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ServedJarsTest {
  @TempDir Path dir;

  private Path jar(String name) throws IOException {
    return TestJars.jar(TestJars.compile(dir.resolve("build-" + name), Map.of("jarapp.Greeter", TestJars.GREETER)),
        dir.resolve(name));
  }

  @Test
  void copy_jar_servesAContentNamedCopyInTheDirectory_reusedWhenUnchanged() throws IOException {
    Path jar = jar("app.jar");

    List<Path> first = ServedJars.copy(List.of(jar), dir.resolve("data/jars")).copies();
    List<Path> again = ServedJars.copy(List.of(jar), dir.resolve("data/jars")).copies();

    assertThat(first).hasSize(1);
    assertThat(first.get(0)).hasParent(dir.resolve("data/jars")).hasBinaryContent(Files.readAllBytes(jar));
    assertThat(first.get(0).getFileName().toString()).matches("app-[0-9a-f]{16}\\.jar");
    assertThat(again).isEqualTo(first);
    assertThat(ServedJars.copy(List.of(jar), dir.resolve("data/jars")).copies().get(0)).isNotEqualTo(jar);
  }

  @Test
  void copy_missingJar_failsNamingIt() {
    assertThatThrownBy(() -> ServedJars.copy(List.of(dir.resolve("nope.jar")), dir.resolve("jars")))
        .isInstanceOf(CommandFailure.class).hasMessage("--jar " + dir.resolve("nope.jar") + ": no such file");
  }

  /** A jar caught while a build writes it is refused at start, not served half-written. */
  @Test
  void copy_truncatedJar_failsSayingToStartAgainAfterTheBuild() throws IOException {
    Path jar = jar("app.jar");
    byte[] bytes = Files.readAllBytes(jar);
    Files.write(jar, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> ServedJars.copy(List.of(jar), dir.resolve("jars")))
        .isInstanceOf(CommandFailure.class).hasMessageContaining("is not a readable jar")
        .hasMessageContaining("start the server again when the build has finished");
    try (var left = Files.list(dir.resolve("jars"))) {
      assertThat(left).as("no temporary file left behind").isEmpty();
    }
  }

  @Test
  void watch_jarRewritten_reportsOnceAndKeepsTheCopy() throws IOException {
    Path jar = jar("app.jar");
    ServedJars served = ServedJars.copy(List.of(jar), dir.resolve("jars"));
    byte[] served0 = Files.readAllBytes(served.copies().get(0));
    List<String> reports = new CopyOnWriteArrayList<>();
    served.watch(Duration.ofMillis(10), reports::add);

    Files.write(jar, new byte[] {1, 2, 3});

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
    Files.write(jar, new byte[] {4, 5});
    assertThat(reports).singleElement().asString()
        .isEqualTo("--jar " + jar + " changed on disk; this server keeps serving the version it started with ("
            + served.copies().get(0).getFileName() + ") until it restarts");
    assertThat(served.copies().get(0)).hasBinaryContent(served0);
  }
}

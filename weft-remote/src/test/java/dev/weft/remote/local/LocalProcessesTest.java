package dev.weft.remote.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Fixtures;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteService;
import dev.weft.remote.wire.Wire;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local back end's registry: what it records to start a replica again, from any process. */
final class LocalProcessesTest {
  @TempDir Path registry;

  /** Regression: a caller started with a relative class path registered it as it was. */
  @Test
  void deploy_fromARelativeClassPath_registersAbsoluteEntries() throws Exception {
    Path workDir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    List<String> relative = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      relative.add(workDir.relativize(Path.of(entry).toAbsolutePath()).toString());
    }
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, relative), DeployCounter.class.getName(), registry.toString(), "relative")
        .directory(workDir.toFile()).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    ComputeBackend local = ComputeBackend.localProcesses(registry);
    try {
      LocalProcesses.Registration reg = (LocalProcesses.Registration) Wire.CODEC.decode(
          Files.readString(registry.resolve("relative.json")), LocalProcesses.Registration.class);
      assertThat(reg.launch().jvmArgs()).as("no JDK 24+ native-access warnings in worker logs")
          .contains("--enable-native-access=ALL-UNNAMED");
      List<String> entries = Arrays.asList(reg.launch().classPath().split(File.pathSeparator));
      assertThat(entries).hasSameSizeAs(relative).allSatisfy(e -> {
        assertThat(Path.of(e).isAbsolute()).as(e).isTrue();
        assertThat(Path.of(e)).exists();
      });
      // and this process, whose working directory differs, can call the service it finds
      RemoteService<Fixtures.CounterService> found = Remote.cls(Fixtures.CounterService.class, "relative")
          .backend(local).getIfExists(true).to();
      assertThat(found.proxy(Fixtures.Counter.class).greet("parent")).isEqualTo("hi, parent");
    } finally {
      Remote.cls(Fixtures.CounterService.class, "relative").backend(local).getIfExists(true).to().teardown();
    }
  }
}

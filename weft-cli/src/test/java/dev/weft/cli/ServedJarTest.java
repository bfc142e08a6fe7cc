package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.remote.ComputeBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft server --jar} in a real process, with an application that deploys a function to a
 * real worker process: the worker gets the jar on its class path, and rewriting the jar in place
 * under the running server (as {@code mvn package} does) breaks nothing.
 */
final class ServedJarTest {
  private static final String SERVICE = "served-jar-twice";

  /** An application that doubles on a worker; {@code factor} tells one build of it from another. */
  private static String doubler(int factor) {
    return """
        package remoteapp;

        import dev.weft.Application;
        import dev.weft.Function;
        import dev.weft.remote.Compute;
        import dev.weft.remote.Remote;

        public final class Doubler {
          @Function
          public static int twice(int x) {
            return x * %d;
          }

          @Application(description = "Doubles on a worker")
          @Function
          static int viaWorker(int x) {
            return Remote.fn(Doubler::twice).name("%s").getIfExists(true).to(Compute.defaults()).call(x);
          }
        }
        """.formatted(factor, SERVICE);
  }

  @Test
  void serverJar_remoteFunction_runsOnAWorkerThatLoadsTheJar_andSurvivesTheJarRewrittenInPlace(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path jar = TestJars.jar(TestJars.compile(dir.resolve("v1"), Map.of("remoteapp.Doubler", doubler(2))),
        dir.resolve("app.jar"));
    Path services = dir.resolve("services");
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"),
        Map.of("WEFT_SERVICES_DIR", services.toString()), "--jar", jar.toString())) {
      try {
        Cli.Result first = Cli.run("invoke", "Doubler.viaWorker", "21", "--wait", "--server", server.url().toString());

        // What `mvn package` does: the same file truncated and written again, with another build.
        Path v2 = TestJars.jar(TestJars.compile(dir.resolve("v2"), Map.of("remoteapp.Doubler", doubler(3))),
            dir.resolve("v2.jar"));
        Files.write(jar, Files.readAllBytes(v2), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(server.stderr()).contains("changed on disk"));
        Cli.Result second = Cli.run("invoke", "Doubler.viaWorker", "4", "--wait", "--server", server.url().toString());

        assertThat(first.exitCode()).as(first.err() + server.stderr()).isZero();
        assertThat(first.out().strip()).isEqualTo("42");
        assertThat(second.exitCode()).as(second.err() + server.stderr()).isZero();
        assertThat(second.out().strip()).as("the version the server started with").isEqualTo("8");
        assertThat(server.stderr())
            .contains("--jar " + jar + " changed on disk; this server keeps serving the version it started with")
            .containsOnlyOnce("changed on disk");
      } finally {
        ComputeBackend.localProcesses(services).teardown(SERVICE);
      }
    }
  }
}

package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Function;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft services} against a real worker process. */
final class ServicesCommandTest {
  @TempDir Path registry;

  @Function
  public static int square(int x) {
    return x * x;
  }

  @Test
  void listsRunningServicesAndTearsThemDown() {
    assertThat(Cli.run("services", "--dir", registry.toString()).out()).contains("no services running");

    RemoteFn1<Integer, Integer> square = Remote.fn(ServicesCommandTest::square).name("cli-square")
        .backend(ComputeBackend.localProcesses(registry)).to();
    long pid = square.processIds().get(0);
    try {
      Cli.Result list = Cli.run("services", "--dir", registry.toString());
      assertThat(list.exitCode()).isZero();
      assertThat(list.out()).containsPattern("cli-square\\s+function ServicesCommandTest.square\\s+" + pid + "@127\\.0\\.0\\.1:\\d+");

      Cli.Result down = Cli.run("services", "teardown", "--dir", registry.toString(), "cli-square", "nothing-here");
      assertThat(down.out()).contains("stopped cli-square").contains("nothing-here was not running");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    } finally {
      square.teardown();
    }
  }
}

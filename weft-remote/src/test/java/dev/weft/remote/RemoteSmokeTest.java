package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteSmokeTest {
  @TempDir Path registry;

  @Test
  void deploysAndCalls() {
    RemoteFn1<Integer, Integer> twice = Remote.fn(Fixtures::twice).backend(ComputeBackend.localProcesses(registry)).to();
    try {
      assertThat(twice.call(21)).isEqualTo(42);
      assertThat(twice.callAsync(5).join()).isEqualTo(10);
    } finally {
      twice.teardown();
    }
  }
}

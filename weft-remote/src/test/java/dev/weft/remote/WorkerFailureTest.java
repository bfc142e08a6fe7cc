package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real worker processes that die, idle out, or cannot be given what was asked. */
class WorkerFailureTest {
  @TempDir Path registry;

  @Test
  void callersOfAKilledWorkerFailClearlyWithinTheirTimeout_thenTheNextCallRestartsIt() throws Exception {
    RemoteFn1<Long, Long> once = Remote.fn(Fixtures::sleepThenPidOnce).backend(Workers.at(registry)).to();
    try {
      long pid = once.processIds().get(0);
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(once.withTimeout(Duration.ofSeconds(20)).callAsync(10_000L));
      }
      awaitInFlight(once, 3);
      long killedAt = System.nanoTime();
      Workers.kill(pid);
      for (CompletableFuture<Long> c : calls) {
        assertThatThrownBy(c::get).isInstanceOf(ExecutionException.class).cause()
            .isInstanceOf(ServiceUnavailableException.class)
            .hasMessageContaining("stopped answering during the call")
            .hasMessageContaining("pid " + pid)
            .hasMessageContaining("@Function(retries = n)");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
      long restarted = once.call(0L); // nothing reached the dead worker: it is restarted and the call sent
      assertThat(restarted).isNotEqualTo(pid);
      assertThat(once.processIds()).containsExactly(restarted);
    } finally {
      once.teardown();
    }
  }

  @Test
  void aCallAfterTheWorkerDiedBetweenCalls_restartsItAndRuns_thoughItsConnectionWasPooled() throws Exception {
    RemoteFn1<Integer, Long> pid = Remote.fn(Fixtures::pid).backend(Workers.at(registry)).to();
    try {
      long first = pid.call(0); // leaves its connection in the pool
      Workers.kill(first);
      // The pooled connection is probed before its next use, so the dead worker is noticed before sending.

      long second = pid.call(0);

      assertThat(second).isNotEqualTo(first);
    } finally {
      pid.teardown();
    }
  }

  @Test
  void aCallWithRetriesSucceedsOnARestartedWorker() throws Exception {
    RemoteFn1<Long, Long> retrying = Remote.fn(Fixtures::sleepThenPid).backend(Workers.at(registry)).to();
    try {
      long pid = retrying.processIds().get(0);
      CompletableFuture<Long> call = retrying.withTimeout(Duration.ofSeconds(60)).callAsync(2_000L);
      awaitInFlight(retrying, 1);
      Workers.kill(pid);
      long answeredBy = call.get();
      assertThat(answeredBy).isNotEqualTo(pid);
    } finally {
      retrying.teardown();
    }
  }

  @Test
  void anIdleServiceStopsAfterItsInactivityTtl() {
    RemoteFn1<Integer, Integer> twice = Remote.fn(Fixtures::twice).name("ttl-twice").backend(Workers.at(registry))
        .to(Compute.builder().inactivityTtl("1s").build());
    long pid = twice.processIds().get(0);
    assertThat(twice.call(2)).isEqualTo(4);
    await().atMost(Duration.ofSeconds(15)).until(() -> !Workers.alive(pid));
    assertThat(Remote.fn(Fixtures::twice).name("ttl-twice").backend(Workers.at(registry)).existing()).isEmpty();
  }

  @Test
  void replicasAreSeparateProcessesAndShareTheCalls() {
    RemoteFn1<Integer, Long> pid = Remote.fn(Fixtures::pid).backend(Workers.at(registry))
        .to(Compute.builder().replicas(2).build());
    try {
      assertThat(pid.processIds()).hasSize(2).doesNotHaveDuplicates();
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(pid.call(i));
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(pid.processIds());
    } finally {
      pid.teardown();
    }
  }

  @Test
  void theLocalBackEndRefusesGpus() {
    assertThatThrownBy(() -> Remote.fn(Fixtures::twice).backend(Workers.at(registry)).to(Compute.builder().gpus(1).build()))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("cannot provide GPUs");
  }

  @Test
  void aLaunchThatTakesTooLongFailsWithinItsLaunchTimeout() {
    // A JVM option that makes the worker wait for a debugger that never comes.
    Compute stuck = Compute.builder().launchTimeout(Duration.ofSeconds(2))
        .jvmOptions("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0").build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> Remote.fn(Fixtures::twice).name("stuck").backend(Workers.at(registry)).to(stuck))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("not healthy within its launch timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  /** Kubetorch leaves such a call running; here the worker notices the gone caller (its pings fail) and stops the call. */
  @Test
  void aCallWhoseCallerProcessDiedIsCancelledOnTheWorker() throws Exception {
    RemoteFn1<Fixtures.SleepOrder, String> sleep = Remote.fn(Fixtures::sleep).name("orphaned-sleep")
        .backend(Workers.at(registry)).to();
    Path marker = registry.resolve("interrupted");
    Process caller = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CallAndWait.class.getName(), registry.toString(), "orphaned-sleep",
        marker.toString()).redirectErrorStream(true).redirectOutput(registry.resolve("caller.log").toFile()).start();
    try {
      awaitInFlight(sleep, 1);
      caller.destroyForcibly();
      assertThat(caller.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // The call sleeps 60 s unless it is interrupted: about 2 s of pings and a 5 s grace stop it.
      await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.exists(marker));
      await().atMost(Duration.ofSeconds(5)).until(() -> Workers.inFlight(Workers.endpoint(sleep)) == 0);
    } finally {
      caller.destroyForcibly();
      sleep.teardown();
    }
  }

  private static void awaitInFlight(RemoteFunction f, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> Workers.inFlight(Workers.endpoint(f)) >= n);
  }
}

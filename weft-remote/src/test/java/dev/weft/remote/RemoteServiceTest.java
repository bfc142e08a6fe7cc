package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.UsageException;
import dev.weft.remote.wire.ServiceMethods;
import dev.weft.remote.wire.Wire;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes deployed as services: init arguments, typed proxies, state, get-if-exists within and across processes. */
class RemoteServiceTest {
  @TempDir Path registry;

  interface NotImplemented {
    int add(int n);
  }

  @Test
  void aClassIsBuiltOnceWithItsInitArgsAndCalledThroughItsInterface() throws Exception {
    List<String> logs = new CopyOnWriteArrayList<>();
    RemoteService<Fixtures.CounterService> service = Remote.cls(Fixtures.CounterService.class, "counter")
        .initArgs("hello", 10).backend(Workers.at(registry)).to();
    try {
      Fixtures.Counter counter = service.withLogs(logs::add).proxy(Fixtures.Counter.class);
      assertThat(counter.greet("you")).isEqualTo("hello, you");
      assertThat(counter.add(5)).isEqualTo(15);
      assertThat(counter.add(1)).isEqualTo(16); // one instance keeps its state
      assertThat(logs).containsExactly("adding 5", "adding 1");
      CompletableFuture<Integer> later = service.async(Fixtures.Counter.class, c -> c.add(4));
      assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo(20);
      assertThat(counter.addLater(1).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(21);
      assertThat(counter.toString()).contains("CounterService on counter");
      // Megabytes each way, with and without streamed logs (fixed-length and chunked replies).
      String big = "ø".repeat(3 << 20);
      assertThat(counter.greet(big)).hasSize(big.length() + "hello, ".length()).endsWith("øø");
      assertThat(service.withLogs(logs::add).proxy(Fixtures.Counter.class).greet(big)).isEqualTo("hello, " + big);
    } finally {
      service.teardown();
    }
  }

  @Test
  void callableMethods_areThePublicInstanceMethodsOfTheClassAndItsSuperclasses_withoutLifecycle() {
    assertThat(ServiceMethods.names(Fixtures.ClosingService.class)).containsExactly("add", "base", "closed");
    assertThat(ServiceMethods.names(Fixtures.CounterService.class))
        .containsExactly("add", "addLater", "greet", "greetEach");
  }

  /** Regression: close() of a class service ran when a caller called it. */
  @Test
  void lifecycleAndObjectMethods_calledRemotely_areRefused_andDoNotRun() throws Exception {
    RemoteService<Fixtures.ClosingService> service = Remote.cls(Fixtures.ClosingService.class, "closing")
        .backend(Workers.at(registry)).to();
    try {
      Fixtures.Closing closing = service.proxy(Fixtures.Closing.class);
      assertThat(closing.add(2)).isEqualTo(2);
      assertThat(closing.base()).isEqualTo("base"); // inherited from a superclass: callable

      assertThatThrownBy(closing::close).isInstanceOf(UsageException.class)
          .hasMessageContaining("ClosingService.close cannot be called remotely")
          .hasMessageContaining("[add, base, closed]");
      assertThatThrownBy(closing::shutdown).isInstanceOf(UsageException.class)
          .hasMessageContaining("lifecycle");
      assertThatThrownBy(() -> service.async(Fixtures.Closing.class, c -> {
        c.close();
        return 0;
      })).isInstanceOf(UsageException.class).hasMessageContaining("cannot be called remotely");

      // Straight to the worker, past the proxy: the worker serves none of them either.
      Endpoint e = Workers.endpoint(service);
      for (String name : List.of("close", "shutdown", "toString", "hashCode", "helper", "greeting", "wait", "getClass")) {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(e.uri().resolve(Wire.path(name)))
            .header("Authorization", "Bearer " + e.token()).POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(name).isEqualTo(404);
        assertThat(r.body()).as(name).contains("unknown_function").contains("[add, base, closed]");
      }

      assertThat(closing.closed()).as("close() never ran on the worker").isFalse();
      assertThat(closing.add(1)).isEqualTo(3);
    } finally {
      service.teardown();
    }
  }

  @Test
  void getIfExistsReusesTheRunningService_alsoFromAnotherProcess() throws Exception {
    var deployment = Remote.cls(Fixtures.CounterService.class, "shared-counter").initArgs("hi", 0)
        .backend(Workers.at(registry)).streamLogs(true).getIfExists(true);
    RemoteService<Fixtures.CounterService> first = deployment.to();
    try {
      RemoteService<Fixtures.CounterService> again = deployment.to();
      assertThat(again.processIds()).isEqualTo(first.processIds());
      assertThat(deployment.existing()).hasValueSatisfying(s -> assertThat(s.processIds()).isEqualTo(first.processIds()));

      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), FindCounter.class.getName(), registry.toString(), "shared-counter")
          .redirectErrorStream(true).start();
      String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out).endsWith(first.processIds().get(0) + " hi, child");
    } finally {
      first.teardown();
    }
    assertThat(Workers.alive(first.processIds().get(0))).isFalse();
    assertThat(deployment.existing()).isEmpty();
  }

  @Test
  void withoutGetIfExistsARedeployReplacesTheService() {
    var deployment = Remote.cls(Fixtures.CounterService.class, "replaced").initArgs("a", 0).backend(Workers.at(registry));
    RemoteService<Fixtures.CounterService> first = deployment.to();
    RemoteService<Fixtures.CounterService> second = deployment.initArgs("b", 0).to();
    try {
      assertThat(second.processIds()).doesNotContainAnyElementsOf(first.processIds());
      assertThat(Workers.alive(first.processIds().get(0))).isFalse();
      assertThat(second.proxy(Fixtures.Counter.class).greet("x")).isEqualTo("b, x");
    } finally {
      second.teardown();
    }
  }

  @Test
  void misuseSaysWhatToDo() {
    assertThatThrownBy(() -> Remote.cls(Fixtures.CounterService.class, "c").initArgs(1, 2).backend(Workers.at(registry)).to())
        .isInstanceOf(UsageException.class).hasMessageContaining("no public constructor")
        .hasMessageContaining("CounterService[String, int]");
    assertThatThrownBy(() -> Remote.cls(Fixtures.Counter.class, "c")).isInstanceOf(UsageException.class)
        .hasMessageContaining("concrete class");
    RemoteService<Fixtures.CounterService> service = Remote.cls(Fixtures.CounterService.class, "misuse")
        .initArgs("x", 0).backend(Workers.at(registry)).to();
    try {
      assertThatThrownBy(() -> service.proxy(NotImplemented.class)).isInstanceOf(UsageException.class)
          .hasMessageContaining("not an interface that");
      assertThatThrownBy(() -> service.async(Fixtures.Counter.class, c -> 1)).isInstanceOf(UsageException.class)
          .hasMessageContaining("exactly one method");
    } finally {
      service.teardown();
    }
  }

  @Test
  void aWorkerThatCannotStartFailsTheDeploymentWithItsLog() {
    assertThatThrownBy(() -> Remote.cls(Fixtures.Broken.class, "broken").initArgs("no reason").backend(Workers.at(registry)).to())
        .isInstanceOf(DeploymentException.class).hasMessageContaining("exited with status 2")
        .hasMessageContaining("cannot build Broken: no reason");
  }

  /** Regression: the second failed start quoted the first one's log lines too, as if they were its own. */
  @Test
  void aWorkerThatCannotStart_again_quotesOnlyThisRunsLog() {
    assertThatThrownBy(() -> Remote.cls(Fixtures.Broken.class, "broken").initArgs("first reason").backend(Workers.at(registry)).to())
        .hasMessageContaining("cannot build Broken: first reason");

    assertThatThrownBy(() -> Remote.cls(Fixtures.Broken.class, "broken").initArgs("second reason").backend(Workers.at(registry)).to())
        .isInstanceOf(DeploymentException.class).hasMessageContaining("cannot build Broken: second reason")
        .hasMessageNotContaining("first reason");
  }
}

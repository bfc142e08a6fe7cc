package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class ApplicationsOfInstancesTest {

  /** An application held by an object, as a dependency-injection framework makes it. */
  static class Greeter {
    private final String greeting;

    Greeter(String greeting) {
      this.greeting = greeting;
    }

    @Function String shout(String s) { return s.toUpperCase(java.util.Locale.ROOT); }

    @Application(description = "greets") @Function
    String greet(String name) {
      return greeting + " " + Weft.fn(this::shout).call(name);
    }

    @Application @Function static int twice(int x) { return 2 * x; }
  }

  /** What a framework's subclass proxy looks like: overrides without annotations, then delegates. */
  static final class CountingProxy extends Greeter {
    final AtomicInteger calls = new AtomicInteger();

    CountingProxy(String greeting) {
      super(greeting);
    }

    @Override
    String greet(String name) {
      calls.incrementAndGet();
      return super.greet(name);
    }
  }

  static final class TwoParameters {
    @Application @Function String app(String a, String b) { return a + b; }
  }

  @Test
  void ofInstances_instanceMethod_runsOnItsObject() {
    Applications apps = Applications.ofInstances(List.of(new Greeter("hello")));
    assertThat(apps.all()).extracting(Applications.Entry::name)
        .containsExactlyInAnyOrder("Greeter.greet", "Greeter.twice");
    Applications.Entry greet = apps.find("Greeter.greet").orElseThrow();
    assertThat(greet.description()).isEqualTo("greets");
    assertThat(greet.inputType()).isEqualTo(String.class);
    assertThat(greet.outputType()).isEqualTo(String.class);
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.run(greet.handle(), "ada")).isEqualTo("hello ADA");
      assertThat(runtime.run(apps.find("Greeter.twice").orElseThrow().handle(), 21)).isEqualTo(42);
    }
  }

  @Test
  void ofInstances_subclassProxy_findsTheAnnotatedSuperclassMethod_andRunsTheOverride() {
    CountingProxy proxy = new CountingProxy("hi");
    Applications apps = Applications.ofInstances(List.of(proxy));
    assertThat(apps.all()).extracting(Applications.Entry::name)
        .containsExactlyInAnyOrder("Greeter.greet", "Greeter.twice");
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.run(apps.find("Greeter.greet").orElseThrow().handle(), "bo")).isEqualTo("hi BO");
    }
    assertThat(proxy.calls).as("the proxy's override ran").hasValue(1);
  }

  @Test
  void boundMethodReference_onASubclassProxy_isNamedByTheDeclaringClass_andRunsTheOverride() {
    CountingProxy proxy = new CountingProxy("hey");
    Greeter asDeclared = proxy;
    Fn1<String, String> greet = Weft.fn(asDeclared::greet);
    assertThat(greet.name()).isEqualTo("Greeter.greet");
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.run(greet, "jo")).isEqualTo("hey JO");
    }
    assertThat(proxy.calls).hasValue(1);
  }

  @Test
  void ofInstances_twoObjectsOfOneClass_isAUsageError() {
    assertThatThrownBy(() -> Applications.ofInstances(List.of(new Greeter("a"), new Greeter("b"))))
        .isInstanceOf(UsageException.class).hasMessageContaining("two applications are named Greeter.");
  }

  @Test
  void ofInstances_applicationWithTwoParameters_isAUsageError() {
    assertThatThrownBy(() -> Applications.ofInstances(List.of(new TwoParameters())))
        .isInstanceOf(UsageException.class).hasMessageContaining("exactly one");
  }
}

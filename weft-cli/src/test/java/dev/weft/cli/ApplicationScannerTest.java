package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ApplicationScannerTest {

  @Test
  void classPath_findsTheTestAndExampleApplications() {
    ApplicationScanner.Found found = ApplicationScanner.classPath();

    assertThat(found.applications().all()).extracting(Applications.Entry::name)
        .contains("CliTestApps.countTo", "CliTestApps.fail", "CrashApp.run", "KeywordIndex.indexCorpus");
    assertThat(found.classesScanned()).isGreaterThan(1000); // jars too, not only the test classes
    assertThat(found.warnings()).isEmpty();
  }

  @Test
  void jars_hostOnlyTheJarsApplications_andTheyRun(@TempDir Path dir) throws IOException {
    Path jar = TestJars.jar(TestJars.compile(dir, Map.of("jarapp.Greeter", TestJars.GREETER)), dir.resolve("app.jar"));

    ApplicationScanner.Found found = ApplicationScanner.jars(List.of(jar));

    assertThat(found.applications().all()).extracting(Applications.Entry::name).containsExactly("Greeter.greet");
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      Object out = runtime.run(found.applications().find("Greeter.greet").orElseThrow().handle(), "jar");
      assertThat(out).isEqualTo("Hello, JAR!");
    }
  }

  @Test
  void scan_loadsOnlyClassesThatMentionTheAnnotation(@TempDir Path dir) throws IOException {
    Path classes = TestJars.compile(dir, Map.of(
        "jarapp.Greeter", TestJars.GREETER,
        "jarapp.Base", "package jarapp; public class Base {}",
        "jarapp.Plain", "package jarapp; public class Plain extends Base {}",
        "jarapp.Orphan", """
            package jarapp;
            public class Orphan extends Base {
              @dev.weft.Application @dev.weft.Function static int app(int x) { return x; }
            }
            """));
    // Without their superclass, Plain and Orphan cannot be loaded: only a class that is loaded says so.
    Files.delete(classes.resolve("jarapp/Base.class"));

    ApplicationScanner.Found found = scan(classes);

    assertThat(found.applications().all()).extracting(Applications.Entry::name).containsExactly("Greeter.greet");
    assertThat(found.classesScanned()).isEqualTo(3); // Greeter, Plain, Orphan
    assertThat(found.warnings()).singleElement().asString()
        .startsWith("skipped jarapp.Orphan: cannot load it").contains("NoClassDefFoundError");
  }

  @Test
  void scan_malformedApplication_isSkippedWithTheReason(@TempDir Path dir) throws IOException {
    Path classes = TestJars.compile(dir, Map.of(
        "jarapp.Greeter", TestJars.GREETER,
        "jarapp.NotStatic", """
            package jarapp;
            public class NotStatic {
              @dev.weft.Application @dev.weft.Function int app(int x) { return x; }
            }
            """));

    ApplicationScanner.Found found = scan(classes);

    assertThat(found.applications().all()).extracting(Applications.Entry::name).containsExactly("Greeter.greet");
    assertThat(found.warnings()).singleElement().asString()
        .startsWith("skipped jarapp.NotStatic: ").contains("not static");
  }

  @Test
  void scan_twoApplicationsWithOneName_failsNamingIt(@TempDir Path dir) throws IOException {
    Path classes = TestJars.compile(dir, Map.of(
        "jarapp.Greeter", TestJars.GREETER,
        "other.Greeter", TestJars.GREETER.replace("package jarapp;", "package other;")));

    assertThatThrownBy(() -> scan(classes))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("two applications are named Greeter.greet");
  }

  @Test
  void contains_findsTheMarkerAnywhere() {
    byte[] marker = "Ldev/weft/Application;".getBytes(StandardCharsets.US_ASCII);

    assertThat(ApplicationScanner.contains("xxLdev/weft/Application;".getBytes(StandardCharsets.US_ASCII), marker))
        .isTrue();
    assertThat(ApplicationScanner.contains("Ldev/weft/Applications;".getBytes(StandardCharsets.US_ASCII), marker))
        .isFalse();
    assertThat(ApplicationScanner.contains("Ldev/weft/Application".getBytes(StandardCharsets.US_ASCII), marker))
        .isFalse();
  }

  private static ApplicationScanner.Found scan(Path classes) throws IOException {
    URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ApplicationScannerTest.class.getClassLoader());
    return ApplicationScanner.scan(List.of(classes), loader, false);
  }
}

package dev.weft.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles application classes at test time, so that they are on no class path but a jar's. */
final class TestJars {
  private TestJars() {}

  /**
   * Compiles {@code sources} (class name to source) against this JVM's class path into
   * {@code dir}/classes and returns that directory.
   */
  static Path compile(Path dir, Map<String, String> sources) throws IOException {
    Path src = dir.resolve("src");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-parameters", "--release", "21",
        "-cp", System.getProperty("java.class.path"), "-proc:none"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, args.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("javac failed with status " + status + " (see the test's output)");
    }
    return classes;
  }

  /** Packs the directory {@code classes} into the jar {@code jar}. */
  static Path jar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** An application in package {@code jarapp}, with a child call, as source. */
  static final String GREETER = """
      package jarapp;

      import dev.weft.Application;
      import dev.weft.Function;
      import dev.weft.Weft;

      public final class Greeter {
        @Application(description = "Greets from a jar")
        @Function
        static String greet(String name) {
          return "Hello, " + Weft.fn(Greeter::shout).call(name) + "!";
        }

        @Function
        static String shout(String s) {
          return s.toUpperCase(java.util.Locale.ROOT);
        }
      }
      """;
}

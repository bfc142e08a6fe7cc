package dev.weft.cli;

import dev.weft.Application;
import dev.weft.Applications;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Finds the {@link Application} methods on a class path without loading every class: a class file
 * can only declare one if its constant pool holds the annotation's descriptor
 * ({@code Ldev/weft/Application;}), so only the classes whose bytes contain it are loaded and
 * handed to {@link Applications#of}. Directories and jars are scanned (a jar's manifest
 * {@code Class-Path} is followed on the class path); the JDK's own files are skipped.
 *
 * <p>A candidate that cannot be loaded, or declares a malformed application, is skipped with a
 * warning, so that one broken class does not keep the others from being served. Two applications
 * with one name fail the scan. Blocks on file reads; not thread-safe (one scan per instance).
 */
final class ApplicationScanner {
  private static final byte[] MARKER = ("L" + Application.class.getName().replace('.', '/') + ";")
      .getBytes(StandardCharsets.US_ASCII);

  /**
   * What a scan found.
   *
   * @param applications the applications, in class-name order, then declaration order
   * @param classesScanned how many class files were read
   * @param warnings the classes skipped and why
   */
  /** What a scan found; {@code loader} loaded the applications' classes. */
  record Found(Applications applications, int classesScanned, List<String> warnings, ClassLoader loader) {}

  private final ClassLoader loader;
  private final boolean followManifests;
  private final Path jdk = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
  private final Set<String> candidates = new TreeSet<>();
  private final Set<String> seen = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();
  private int scanned;

  private ApplicationScanner(ClassLoader loader, boolean followManifests) {
    this.loader = loader;
    this.followManifests = followManifests;
  }

  /**
   * The applications on this JVM's class path ({@code java.class.path}), loaded by this class's
   * loader.
   *
   * @throws CommandFailure (usage) if two applications share a name
   */
  static Found classPath() {
    List<Path> entries = Stream.of(System.getProperty("java.class.path", "").split(java.io.File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .toList();
    return scan(entries, ApplicationScanner.class.getClassLoader(), true);
  }

  /**
   * The applications in {@code jars}, loaded by a new class loader over them whose parent is this
   * class's loader (so Weft's own classes are shared, and a jar's dependencies must be in the jar
   * or on Weft's class path).
   *
   * @throws CommandFailure (usage) if a jar is missing, or two applications share a name
   */
  static Found jars(List<Path> jars) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw CommandFailure.usage("--jar " + jar + ": no such file");
      }
      try {
        urls.add(jar.toAbsolutePath().toUri().toURL());
      } catch (MalformedURLException e) {
        throw CommandFailure.usage("--jar " + jar + ": not a usable path (" + e.getMessage() + ")");
      }
    }
    // Never closed: the applications' classes are used for as long as the server runs.
    URLClassLoader loader = new URLClassLoader("weft-applications", urls.toArray(URL[]::new),
        ApplicationScanner.class.getClassLoader());
    return scan(jars, loader, false);
  }

  /**
   * The applications in the directories and jars {@code roots}, loaded by {@code loader}; with
   * {@code followManifests}, also in the jars named by a jar's manifest {@code Class-Path}.
   *
   * @throws CommandFailure (usage) if two applications share a name
   */
  static Found scan(List<Path> roots, ClassLoader loader, boolean followManifests) {
    return new ApplicationScanner(loader, followManifests).scan(roots);
  }

  private Found scan(List<Path> roots) {
    Deque<Path> queue = new ArrayDeque<>(roots);
    Set<Path> visited = new LinkedHashSet<>();
    while (!queue.isEmpty()) {
      Path entry = queue.poll().toAbsolutePath().normalize();
      if (entry.startsWith(jdk) || !visited.add(entry)) {
        continue;
      }
      try {
        if (Files.isDirectory(entry)) {
          scanDirectory(entry);
        } else if (Files.isRegularFile(entry)) {
          scanJar(entry, queue);
        }
        // a class path entry that does not exist is ignored, as the JVM ignores it
      } catch (IOException | UncheckedIOException e) {
        warnings.add("skipped " + entry + ": cannot read it (" + e.getMessage() + ")");
      }
    }
    List<Class<?>> hosting = new ArrayList<>();
    for (String name : candidates) {
      Class<?> type;
      try {
        type = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        warnings.add("skipped " + name + ": cannot load it (" + e + ")");
        continue;
      }
      try {
        if (!Applications.of(type).all().isEmpty()) {
          hosting.add(type);
        }
      } catch (RuntimeException | LinkageError e) {
        warnings.add("skipped " + name + ": " + e.getMessage());
      }
    }
    try {
      return new Found(Applications.of(hosting), scanned, List.copyOf(warnings), loader);
    } catch (RuntimeException e) {
      throw CommandFailure.usage("cannot host the applications found: " + e.getMessage());
    }
  }

  private void scanDirectory(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (isClassName(name)) {
          consider(name, Files.readAllBytes(file));
        }
      }
    }
  }

  private void scanJar(Path file, Deque<Path> queue) throws IOException {
    try (JarFile jar = new JarFile(file.toFile(), false)) {
      Enumeration<? extends ZipEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (!entry.isDirectory() && isClassName(entry.getName())) {
          try (InputStream in = jar.getInputStream(entry)) {
            consider(entry.getName(), in.readAllBytes());
          }
        }
      }
      if (followManifests) {
        Manifest manifest = jar.getManifest();
        String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (classPath != null) {
          for (String ref : classPath.trim().split("\\s+")) {
            try {
              queue.add(Path.of(file.getParent().toUri().resolve(URI.create(ref))));
            } catch (IllegalArgumentException e) {
              warnings.add("ignored Class-Path entry '" + ref + "' of " + file + ": " + e.getMessage());
            }
          }
        }
      }
    }
  }

  /** A top-level or nested class's file, not module/package info nor a versioned copy. */
  private static boolean isClassName(String path) {
    return path.endsWith(".class") && !path.startsWith("META-INF/")
        && !path.endsWith("module-info.class") && !path.endsWith("package-info.class");
  }

  private void consider(String path, byte[] bytes) {
    scanned++;
    String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
    if (seen.add(name) && contains(bytes, MARKER)) { // the first copy on the path is the one loaded
      candidates.add(name);
    }
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

package dev.weft.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.jar.JarFile;

/**
 * The jars of {@code weft server --jar}, served from private copies: the server (and the workers
 * its applications deploy) load classes from a copy in {@code <data>/jars}, never from the file
 * given, so rebuilding that file in place ({@code mvn package} rewrites it) cannot break a running
 * server with truncated class files. A changed jar is ignored until the server restarts, and
 * {@link #watch} says so once per jar.
 *
 * <p>A copy is named by its content's SHA-256, so a restart with an unchanged jar reuses it, and a
 * worker started from a copy finds it again for as long as the data directory stays. Copying and
 * checking block on file I/O. Immutable after {@link #copy}; {@link #watch} starts one virtual
 * thread.
 */
final class ServedJars {
  /** How often {@link #watch} looks at the jars given. */
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  /** A jar given with --jar, its private copy, and what the original looked like when copied. */
  private record Jar(Path original, Path copy, long size, FileTime modified) {}

  private final List<Jar> jars;

  private ServedJars(List<Jar> jars) {
    this.jars = List.copyOf(jars);
  }

  /**
   * Copies each of {@code jars} into {@code dir} (created if missing) under a name holding its
   * content hash, unless that copy exists already, and checks that the copy reads as a jar.
   *
   * @throws CommandFailure (usage) if a jar is missing or not a readable jar (e.g. caught while
   *     being rewritten: try again once the build is done); (failed) if {@code dir} is not writable
   */
  static ServedJars copy(List<Path> jars, Path dir) {
    List<Jar> copied = new ArrayList<>();
    for (Path given : jars) {
      Path original = given.toAbsolutePath().normalize();
      if (!Files.isRegularFile(original)) {
        throw CommandFailure.usage("--jar " + given + ": no such file");
      }
      try {
        long size = Files.size(original);
        FileTime modified = Files.getLastModifiedTime(original);
        byte[] bytes = Files.readAllBytes(original);
        String name = original.getFileName().toString();
        String stem = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
        Path copy = dir.resolve(stem + "-" + sha256(bytes).substring(0, 16) + ".jar");
        if (!Files.isRegularFile(copy) || Files.size(copy) != bytes.length) {
          Files.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, stem, ".tmp");
          Files.write(tmp, bytes);
          checkJar(given, tmp);
          move(tmp, copy);
        }
        copied.add(new Jar(original, copy, size, modified));
      } catch (CommandFailure e) {
        throw e;
      } catch (IOException e) {
        throw CommandFailure.failed("cannot copy --jar " + given + " into " + dir + " (" + e.getClass().getSimpleName()
            + ": " + e.getMessage() + "); choose a writable --data");
      }
    }
    return new ServedJars(copied);
  }

  /** The private copies, in the order the jars were given: what to load classes from. */
  List<Path> copies() {
    return jars.stream().map(Jar::copy).toList();
  }

  /**
   * Starts a virtual thread that looks at the jars given every {@code every} and, the first time
   * one has changed (size or modification time) since it was copied, passes {@code report} one
   * line saying that the server keeps serving the copy until it restarts. Ends with the JVM.
   */
  void watch(Duration every, Consumer<String> report) {
    Thread.ofVirtual().name("weft-jar-watch").start(() -> {
      List<Jar> unchanged = new ArrayList<>(jars);
      while (!unchanged.isEmpty()) {
        try {
          Thread.sleep(every);
        } catch (InterruptedException e) {
          return;
        }
        unchanged.removeIf(jar -> {
          if (!changed(jar)) {
            return false;
          }
          report.accept("--jar " + jar.original() + " changed on disk; this server keeps serving the version it "
              + "started with (" + jar.copy().getFileName() + ") until it restarts");
          return true;
        });
      }
    });
  }

  private static boolean changed(Jar jar) {
    try {
      return Files.size(jar.original()) != jar.size() || !Files.getLastModifiedTime(jar.original()).equals(jar.modified());
    } catch (IOException e) {
      return true; // deleted, or being replaced: it is no longer the file the server loaded
    }
  }

  private static void checkJar(Path given, Path copy) {
    try (JarFile jar = new JarFile(copy.toFile())) {
      jar.stream().count(); // reads the central directory: a truncated jar fails here
    } catch (IOException e) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException ignored) {
        // a stray temporary file in the data directory; the next start writes another
      }
      throw CommandFailure.usage("--jar " + given + " is not a readable jar (" + e.getMessage()
          + "); if a build is writing it, start the server again when the build has finished");
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

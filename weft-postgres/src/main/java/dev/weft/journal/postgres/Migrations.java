package dev.weft.journal.postgres;

import dev.weft.WeftException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The journal's schema migrations: every {@code db/postgres/V<n>__<description>.sql} resource,
 * applied in order of {@code n}, each in one transaction under an advisory lock (nodes starting at
 * once wait for each other rather than race), and recorded in {@code schema_version}. A schema
 * whose version is above the highest this code has is refused: a newer Weft wrote it.
 */
final class Migrations {
  static final String FOLDER = "db/postgres/";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  /** One migration file. */
  record Migration(int version, String description, String sql) {}

  private Migrations() {}

  /** The migrations on the class path, in order; versions must be 1, 2, 3... without gaps. */
  static List<Migration> load() {
    TreeMap<Integer, String> names = new TreeMap<>();
    for (String file : listFolder()) {
      Matcher m = NAME.matcher(file);
      if (m.matches()) {
        String previous = names.put(Integer.parseInt(m.group(1)), file);
        if (previous != null && !previous.equals(file)) {
          throw new IllegalStateException("two migrations with version " + m.group(1) + ": " + previous + ", " + file);
        }
      }
    }
    List<Migration> out = new ArrayList<>();
    int expected = 1;
    for (var e : names.entrySet()) {
      if (e.getKey() != expected) {
        throw new IllegalStateException("migration V" + expected + " is missing (found " + names.values() + ")");
      }
      expected++;
      Matcher m = NAME.matcher(e.getValue());
      m.matches();
      out.add(new Migration(e.getKey(), m.group(2).replace('_', ' '), read(FOLDER + e.getValue())));
    }
    return out;
  }

  /** The highest version this code knows. */
  static int latest(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /**
   * Brings {@code schema} to the newest version. {@code conn} is in autocommit mode and is left so.
   *
   * @throws WeftException if the schema is newer than the code
   */
  static void migrate(Connection conn, String schema, String where) throws SQLException {
    List<Migration> migrations = load();
    int latest = latest(migrations);
    long lockKey = ("weft-migrate:" + schema).hashCode();
    try (Statement st = conn.createStatement()) {
      conn.setAutoCommit(false);
      try {
        lock(conn, lockKey);
        st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        st.execute("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version (version INTEGER PRIMARY KEY, "
            + "description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        conn.commit();
        for (Migration m : migrations) {
          lock(conn, lockKey);
          int current = current(conn, schema);
          if (current > latest) {
            throw new WeftException("the journal " + where + " (schema " + schema + ") has schema version " + current
                + ", newer than the versions this Weft knows (up to " + latest + "); it was written by a newer Weft:"
                + " run that version, or use another schema");
          }
          if (m.version() <= current) {
            conn.commit();
            continue;
          }
          st.execute("SET LOCAL search_path TO " + schema);
          st.execute(m.sql());
          try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + schema
              + ".schema_version (version, description) VALUES (?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.executeUpdate();
          }
          conn.commit();
        }
        lock(conn, lockKey);
        int current = current(conn, schema);
        conn.commit();
        if (current > latest) {
          throw new WeftException("the journal " + where + " (schema " + schema + ") has schema version " + current
              + ", newer than the versions this Weft knows (up to " + latest + "); it was written by a newer Weft:"
              + " run that version, or use another schema");
        }
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    }
  }

  private static void lock(Connection conn, long key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, key);
      ps.execute();
    }
  }

  private static int current(Connection conn, String schema) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + schema + ".schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file names in the migrations folder, from every class-path root that has one (a classes
   * directory while building, a jar once packaged).
   */
  private static List<String> listFolder() {
    List<String> out = new ArrayList<>();
    try {
      Enumeration<URL> roots = Migrations.class.getClassLoader().getResources(FOLDER);
      while (roots.hasMoreElements()) {
        URL url = roots.nextElement();
        if ("file".equals(url.getProtocol())) {
          try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            files.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).forEach(out::add);
          }
        } else if ("jar".equals(url.getProtocol())) {
          JarURLConnection c = (JarURLConnection) url.openConnection();
          c.setUseCaches(false);
          try (JarFile jar = c.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
              String name = entries.nextElement().getName();
              if (name.startsWith(FOLDER) && name.length() > FOLDER.length() && name.indexOf('/', FOLDER.length()) < 0) {
                out.add(name.substring(FOLDER.length()));
              }
            }
          }
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the journal's migrations: " + e.getMessage(), e);
    }
    return out;
  }
}

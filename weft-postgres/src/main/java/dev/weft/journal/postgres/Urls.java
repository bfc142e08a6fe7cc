package dev.weft.journal.postgres;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Database URLs as users write them: {@code jdbc:postgresql://host:port/db?user=...} (pgjdbc's
 * form) or {@code postgresql://[user[:password]@]host[:port]/db?...} (libpq's form, which
 * {@code weft server --db} takes). pgjdbc does not read a user and password before the host, so
 * they move to connection properties.
 */
final class Urls {
  private static final Pattern LIBPQ = Pattern.compile("(?:postgresql|postgres)://(?:([^@/]*)@)?(.*)");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");

  /** A URL for pgjdbc and the properties that go with it. */
  record Jdbc(String url, Properties properties) {}

  private Urls() {}

  /**
   * @throws IllegalArgumentException if {@code url} is neither form
   */
  static Jdbc parse(String url) {
    Properties props = new Properties();
    if (url.startsWith("jdbc:postgresql:")) {
      return new Jdbc(url, props);
    }
    Matcher m = LIBPQ.matcher(url);
    if (!m.matches() || m.group(2).isEmpty()) {
      throw new IllegalArgumentException("not a PostgreSQL URL: '" + redact(url)
          + "'; write postgresql://host:port/database?user=... or jdbc:postgresql://host:port/database?user=...");
    }
    String userInfo = m.group(1);
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      props.setProperty("user", URLDecoder.decode(user, StandardCharsets.UTF_8));
      if (colon >= 0) {
        props.setProperty("password", URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
    return new Jdbc("jdbc:postgresql://" + m.group(2), props);
  }

  /** {@code url} without its password (in the user part or as a parameter), for messages. */
  static String redact(String url) {
    String out = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    Matcher m = LIBPQ.matcher(out.startsWith("jdbc:") ? out.substring(5) : out);
    if (m.matches() && m.group(1) != null && m.group(1).contains(":")) {
      String user = m.group(1).substring(0, m.group(1).indexOf(':'));
      int at = out.indexOf('@');
      int scheme = out.indexOf("://") + 3;
      out = out.substring(0, scheme) + user + ":***" + out.substring(at);
    }
    return out;
  }
}

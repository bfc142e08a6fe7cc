package dev.weft.micrometer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * HELP, a TYPE, a comment or a well-formed sample of a family whose TYPE came first; names, label
 * escapes and values are checked; a sample may not repeat; a histogram's buckets must be
 * cumulative and its {@code +Inf} bucket equal its {@code _count}. Throws
 * {@link IllegalArgumentException} naming the line at the first violation.
 */
final class PrometheusTextParser {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern VALUE = Pattern.compile("[+-]?(Inf|NaN|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, List<Sample> samples) {}

  private PrometheusTextParser() {}

  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the last line must end with a line feed");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> seen = new java.util.HashSet<>();
    Set<String> helped = new java.util.HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      String where = "line " + (n + 1) + " '" + line + "': ";
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && parts[1].equals("TYPE")) {
          require(parts.length == 4 && METRIC_NAME.matcher(parts[2]).matches() && TYPES.contains(parts[3]), where + "bad TYPE");
          require(!families.containsKey(parts[2]), where + "a second TYPE for " + parts[2]);
          families.put(parts[2], new Family(parts[2], parts[3], new ArrayList<>()));
        } else if (parts.length >= 3 && parts[1].equals("HELP")) {
          require(METRIC_NAME.matcher(parts[2]).matches(), where + "bad HELP name");
          require(helped.add(parts[2]), where + "a second HELP for " + parts[2]);
        }
        continue;
      }
      Sample s = sample(line, where);
      Family f = familyOf(families, s.name());
      require(f != null, where + "a sample of no declared family");
      require(seen.add(s.name() + new TreeMap<>(s.labels())), where + "a repeated sample");
      f.samples().add(s);
    }
    for (Family f : families.values()) {
      if (f.type().equals("histogram")) {
        checkHistogram(f);
      }
    }
    return families;
  }

  private static Family familyOf(Map<String, Family> families, String sample) {
    Family f = families.get(sample);
    if (f != null) {
      return f;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
      if (sample.endsWith(suffix)) {
        f = families.get(sample.substring(0, sample.length() - suffix.length()));
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        require(eq > 0, where + "a label without '='");
        String label = line.substring(i, eq);
        require(LABEL_NAME.matcher(label).matches(), where + "bad label name " + label);
        require(line.charAt(eq + 1) == '"', where + "an unquoted label value");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; ; j++) {
          require(j < line.length(), where + "an unterminated label value");
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = line.charAt(++j);
            require(e == '\\' || e == '"' || e == 'n', where + "a bad escape \\" + e);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        require(labels.put(label, value.toString()) == null, where + "a repeated label " + label);
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', where + "labels not separated by ','");
        }
      }
      i++;
    }
    require(i < line.length() && line.charAt(i) == ' ', where + "no space before the value");
    String[] rest = line.substring(i + 1).split(" ");
    require(rest.length == 1 || rest.length == 2, where + "not 'value [timestamp]'");
    require(VALUE.matcher(rest[0]).matches(), where + "bad value " + rest[0]);
    if (rest.length == 2) {
      require(rest[1].matches("-?\\d+"), where + "bad timestamp " + rest[1]);
    }
    double v = rest[0].endsWith("Inf") ? (rest[0].startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
        : Double.parseDouble(rest[0]);
    return new Sample(name, labels, v);
  }

  /** Per label set (without {@code le}): buckets cumulative, {@code +Inf} present and equal to {@code _count}. */
  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().endsWith("_bucket")) {
        require(s.labels().containsKey("le"), f.name() + ": a bucket without le");
        Map<String, String> key = new TreeMap<>(s.labels());
        key.remove("le");
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      } else if (s.name().endsWith("_count")) {
        counts.put(new TreeMap<>(s.labels()), s.value());
      }
    }
    buckets.forEach((key, list) -> {
      double last = 0;
      double lastLe = Double.NEGATIVE_INFINITY;
      for (Sample b : list) {
        String le = b.labels().get("le");
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        require(bound > lastLe, f.name() + key + ": buckets out of order at le=" + le);
        require(b.value() >= last, f.name() + key + ": bucket le=" + le + " is below the one before");
        last = b.value();
        lastLe = bound;
      }
      require(lastLe == Double.POSITIVE_INFINITY, f.name() + key + ": no +Inf bucket");
      require(counts.containsKey(key) && counts.get(key) == last, f.name() + key + ": +Inf bucket differs from _count");
    });
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("not Prometheus text: " + message);
    }
  }
}

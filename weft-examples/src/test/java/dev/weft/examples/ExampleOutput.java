package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs examples and reads what they print, for every scenario package's tests. */
public final class ExampleOutput {
  private static final Pattern ELAPSED = Pattern.compile("elapsed: (\\d+) ms");

  private ExampleOutput() {}

  /** Runs {@code example} and returns the lines it printed. */
  public static List<String> run(Example example) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      example.run(out);
    }
    return lines(bytes);
  }

  /** The lines printed into {@code bytes}. */
  public static List<String> lines(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** The result line: an example prints its result last. */
  public static String lastLine(List<String> lines) {
    assertThat(lines).isNotEmpty();
    return lines.get(lines.size() - 1);
  }

  /** The {@code elapsed: <n> ms} line, which a timed example prints just before its result. */
  public static long elapsedMs(List<String> lines) {
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    Matcher m = ELAPSED.matcher(lines.get(lines.size() - 2));
    assertThat(m.matches()).as("line before the result: %s", lines.get(lines.size() - 2)).isTrue();
    return Long.parseLong(m.group(1));
  }
}

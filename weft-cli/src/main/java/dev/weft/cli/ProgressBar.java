package dev.weft.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar such as {@code [#######.....] 7/14 indexed GPL-2}, written to standard error so
 * that standard output keeps only results. On a terminal it is one line redrawn in place with a
 * carriage return; anywhere else (a file, a pipe, CI) carriage returns would pile up, so it prints
 * plain lines instead, one per tenth of the way and one at the end. Not thread-safe: one thread
 * (the one reading the progress stream) draws.
 */
final class ProgressBar {
  private static final int MAX_MESSAGE = 60;

  private final PrintWriter out;
  private final int width;
  private final boolean terminal;
  private int lastLength;
  private boolean drawn;
  private int lastTenth = -1;

  /**
   * A bar drawn on {@code out}; {@code terminal} says whether {@code out} is a terminal that
   * understands a carriage return (see {@link #onStandardError}).
   */
  ProgressBar(PrintWriter out, int width, boolean terminal) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be at least 1, was " + width);
    }
    this.out = out;
    this.width = width;
    this.terminal = terminal;
  }

  /** A bar on {@code err}, the process's standard error: redrawn in place only when it is a terminal. */
  static ProgressBar onStandardError(PrintWriter err, int width) {
    return new ProgressBar(err, width, isTerminal());
  }

  /**
   * Whether this process talks to a terminal. Java cannot ask about standard error alone; a
   * console (standard input and output on a terminal) is the sign the JDK gives, and on JDK 22+,
   * where a console exists without a terminal, {@code Console.isTerminal()} (looked up by name,
   * since Weft compiles for 21) says which.
   */
  static boolean isTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // JDK 21: a console is only there on a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Redraws the bar with {@code current} of {@code total} done and the update's message. */
  void update(double current, double total, String message) {
    String line = render(current, total, message, width);
    if (!terminal) {
      int tenth = (int) Math.floor(10 * (total > 0 ? Math.min(1, Math.max(0, current / total)) : 0));
      if (tenth != lastTenth) {
        out.println(line);
        out.flush();
        lastTenth = tenth;
      }
      return;
    }
    int pad = Math.max(0, lastLength - line.length()); // blank out the rest of a longer previous line
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLength = line.length();
    drawn = true;
  }

  /** Ends the bar's line, if one was drawn, so that later output starts on a line of its own. */
  void finish() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
      lastLength = 0;
    }
  }

  /** The bar's text without the carriage return; package-private for tests. */
  static String render(double current, double total, String message, int width) {
    double fraction = total > 0 ? Math.min(1, Math.max(0, current / total)) : 0;
    int filled = (int) Math.floor(fraction * width);
    StringBuilder line = new StringBuilder(width + 32)
        .append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ")
        .append(number(current)).append('/').append(number(total));
    if (message != null && !message.isBlank()) {
      String m = message.strip().replaceAll("\\s+", " ");
      line.append(' ').append(m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE - 1) + "…" : m);
    }
    return line.toString();
  }

  /** {@code 7} for 7.0, {@code 7.5} for 7.5: progress counts are usually whole. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }
}

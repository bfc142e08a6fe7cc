package dev.weft.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with a carriage return, such as
 * {@code [#######.....] 7/14 indexed GPL-2}. Written to standard error so that standard output
 * keeps only results. Not thread-safe: one thread (the one reading the progress stream) draws.
 */
final class ProgressBar {
  private static final int MAX_MESSAGE = 60;

  private final PrintWriter out;
  private final int width;
  private int lastLength;
  private boolean drawn;

  ProgressBar(PrintWriter out, int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be at least 1, was " + width);
    }
    this.out = out;
    this.width = width;
  }

  /** Redraws the bar with {@code current} of {@code total} done and the update's message. */
  void update(double current, double total, String message) {
    String line = render(current, total, message, width);
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

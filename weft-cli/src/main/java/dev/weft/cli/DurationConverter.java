package dev.weft.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way {@code @Function(timeout = ...)} writes them: {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 12h}, {@code 7d}, or ISO-8601 ({@code PT30S}); only positive ones.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  /** @throws TypeConversionException naming the accepted forms */
  static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text.strip());
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + text + "' is not a duration; write e.g. 30m, 12h, 7d or PT36H");
      }
    }
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("the duration must be positive, was '" + text + "'");
    }
    return d;
  }
}

package dev.weft.server;

import java.util.Collection;

/**
 * Writes the server's own JSON (envelopes, request records, errors) without a mapper: the fields
 * are few and fixed, and application values arrive already encoded by the codec, to be embedded
 * as they are. Output is compact, one line, UTF-8 safe.
 */
final class Json {
  private Json() {}

  /** A JSON string literal of {@code s}, or {@code null}. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(s.length() + 2);
    appendQuoted(out, s);
    return out.toString();
  }

  static void appendQuoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Control characters must be escaped; U+2028/2029 too, so the text is safe in JavaScript.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A JSON array of already-encoded elements. */
  static String array(Collection<String> encodedElements) {
    return "[" + String.join(",", encodedElements) + "]";
  }

  static Obj object() {
    return new Obj();
  }

  /** A JSON object written field by field, in order. */
  static final class Obj {
    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    private StringBuilder key(String name) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendQuoted(out, name);
      return out.append(':');
    }

    /** A string field; {@code null} writes JSON null. */
    Obj str(String name, String value) {
      if (value == null) {
        key(name).append("null");
      } else {
        appendQuoted(key(name), value);
      }
      return this;
    }

    Obj num(String name, long value) {
      key(name).append(value);
      return this;
    }

    /** A finite number (callers never pass NaN or infinities: JSON has none). */
    Obj num(String name, double value) {
      key(name).append(value);
      return this;
    }

    Obj bool(String name, boolean value) {
      key(name).append(value);
      return this;
    }

    /** A field whose value is already JSON ({@code null} writes JSON null). */
    Obj raw(String name, String json) {
      key(name).append(json == null ? "null" : json);
      return this;
    }

    String end() {
      return out.append('}').toString();
    }
  }
}

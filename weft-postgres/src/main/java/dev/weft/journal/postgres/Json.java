package dev.weft.journal.postgres;

import dev.weft.transport.JsonCodec;
import java.lang.reflect.Type;

/**
 * The journal's encoder: {@link JsonCodec#standard()}, except for the scalars most calls pass and
 * return (int, long, boolean and their boxes; strings of plain printable ASCII), which it writes
 * itself, byte for byte as the codec would (a test holds it to that). The codec builds a Jackson
 * generator per value, whose buffers are not recycled on virtual threads: most of a trivial
 * call's journaling cost. Everything else, and every decode, goes through the codec.
 */
final class Json {
  static final JsonCodec CODEC = JsonCodec.standard();

  private Json() {}

  /** As {@link JsonCodec#encode}; throws what it throws. */
  static String encode(Object value, Type declared) {
    String fast = scalar(value, declared);
    return fast != null ? fast : CODEC.encode(value, declared);
  }

  /** As {@link JsonCodec#encodeArgs}; throws what it throws. */
  static String encodeArgs(Object[] args, Type[] declared) {
    if (args.length == declared.length && args.length <= 8) {
      StringBuilder out = new StringBuilder(2 + 12 * args.length).append('[');
      for (int i = 0; i < args.length; i++) {
        String fast = scalar(args[i], declared[i]);
        if (fast == null) {
          return CODEC.encodeArgs(args, declared);
        }
        if (i > 0) {
          out.append(',');
        }
        out.append(fast);
      }
      return out.append(']').toString();
    }
    return CODEC.encodeArgs(args, declared);
  }

  /** The JSON of a scalar the codec would write the same way, or null to let the codec do it. */
  static String scalar(Object v, Type t) {
    if (v == null) {
      return t == Integer.class || t == Long.class || t == Boolean.class || t == String.class ? "null" : null;
    }
    if (t == int.class || t == Integer.class) {
      return v instanceof Integer i ? Integer.toString(i) : null;
    }
    if (t == long.class || t == Long.class) {
      return v instanceof Long l ? Long.toString(l) : null;
    }
    if (t == boolean.class || t == Boolean.class) {
      return v instanceof Boolean b ? b.toString() : null;
    }
    if (t == String.class && v instanceof String s && s.length() <= 256) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
          return null; // needs escaping: the codec's rules
        }
      }
      return '"' + s + '"';
    }
    return null;
  }
}

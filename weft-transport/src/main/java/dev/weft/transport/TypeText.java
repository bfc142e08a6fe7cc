package dev.weft.transport;

import com.fasterxml.jackson.databind.JavaType;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Type names for messages. {@link #simple} is for whoever sent the JSON (an HTTP client: short
 * names, a hint at the JSON shape); {@link #qualified} is for the programmer who declared the type.
 */
final class TypeText {
  private TypeText() {}

  private static final int MAX_ENUM_CONSTANTS = 12;

  /** {@code List<Integer>}, {@code Person}, {@code int[]}. */
  static String simple(JavaType type) {
    return render(type, false);
  }

  /** {@code java.util.List<java.lang.Integer>}, {@code com.acme.Order.Line}. */
  static String qualified(JavaType type) {
    return render(type, true);
  }

  /** {@link #simple} followed by the JSON shape expected, when that is not obvious. */
  static String expected(JavaType type) {
    String hint = shape(type);
    return hint.isEmpty() ? simple(type) : simple(type) + " (" + hint + ")";
  }

  private static String shape(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == byte[].class) {
      return "a base64 string";
    }
    if (raw == char[].class || raw == Character.class || raw == char.class) {
      return raw == char[].class ? "a string" : "a one-character string";
    }
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      String names =
          Arrays.stream(constants)
              .limit(MAX_ENUM_CONSTANTS)
              .map(c -> ((Enum<?>) c).name())
              .collect(Collectors.joining(", "));
      return "one of " + names + (constants.length > MAX_ENUM_CONSTANTS ? ", ..." : "");
    }
    if ("java.time".equals(raw.getPackageName())) {
      return "an ISO-8601 string";
    }
    if (raw == UUID.class) {
      return "a UUID string";
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      return "an array";
    }
    if (type.isMapLikeType()) {
      return "an object";
    }
    if (type.isReferenceType() || raw.isPrimitive() || raw.getName().startsWith("java.")) {
      return "";
    }
    return raw.isRecord() ? "an object" : "";
  }

  private static String render(JavaType type, boolean qualified) {
    if (type.isArrayType()) {
      return render(type.getContentType(), qualified) + "[]";
    }
    Class<?> raw = type.getRawClass();
    String name = qualified ? qualifiedName(raw) : simpleName(raw);
    int count = type.getBindings().size();
    if (count == 0) {
      return name;
    }
    StringBuilder text = new StringBuilder(name).append('<');
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : ", ").append(render(type.getBindings().getBoundType(i), qualified));
    }
    return text.append('>').toString();
  }

  private static String qualifiedName(Class<?> raw) {
    String canonical = raw.getCanonicalName();
    return canonical != null ? canonical : raw.getName();
  }

  private static String simpleName(Class<?> raw) {
    String simple = raw.getSimpleName();
    return simple.isEmpty() ? raw.getName() : simple;
  }
}

package dev.weft.transport;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.weft.UsageException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns Jackson's exceptions into Weft's: {@link TransportException} for input that does not match
 * its declared type (said in terms of JSON, for whoever sent it), {@link UsageException} for values
 * and types that cannot travel (said in terms of Java, for the programmer).
 */
final class Failures {
  private Failures() {}

  private static final int MAX_SHOWN_CHARS = 60;
  private static final int MAX_SHOWN_SEGMENTS = 12;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final Pattern MISSING =
      Pattern.compile("Missing required creator property '([^']*)'");
  private static final Pattern KNOWN_IDS = Pattern.compile("known type ids = \\[([^\\]]*)\\]");

  /** Where and as what a document (or one argument of it) was being read. */
  record Reading(JavaType declared, String rootPath, String label, DeserializationConfig config) {}

  // ---------------------------------------------------------------------------------- decoding

  static RuntimeException decoding(JacksonException e, JsonParser parser, Reading at) {
    List<Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
    JacksonException kind = e;
    while (kind.getClass() == JsonMappingException.class
        && kind.getCause() instanceof JacksonException inner) {
      kind = inner; // Jackson wraps a parser failure to add the path; the failure is the inner one
    }
    String path =
        kind instanceof StreamReadException || kind instanceof StreamConstraintsException
            ? contextPath(parser.getParsingContext(), "$")
            : at.rootPath() + segments(refs, false);
    if (kind instanceof InvalidDefinitionException d) {
      return new UsageException(
          "cannot decode "
              + TypeText.qualified(at.declared())
              + " at "
              + path
              + ": "
              + d.getOriginalMessage(),
          e);
    }
    path += extraSegment(kind, refs);
    return new TransportException(at.label() + inputMessage(kind, refs, path, parser, at), path, e);
  }

  /** Jackson leaves a missing property's name, and a bad map key, out of the path; add them. */
  private static String extraSegment(JacksonException kind, List<Reference> refs) {
    if (kind instanceof InvalidFormatException format && isMapKey(format)) {
      return segment(String.valueOf(format.getValue()));
    }
    if (kind instanceof MismatchedInputException mismatch) {
      Matcher missing = MISSING.matcher(Objects.toString(mismatch.getOriginalMessage(), ""));
      if (missing.find() && !isLast(refs, missing.group(1))) {
        return segment(missing.group(1));
      }
    }
    return "";
  }

  private static boolean isMapKey(InvalidFormatException format) {
    return Objects.toString(format.getOriginalMessage(), "").contains("Map key");
  }

  private static boolean isLast(List<Reference> refs, String name) {
    return !refs.isEmpty() && name.equals(refs.get(refs.size() - 1).getFieldName());
  }

  private static String inputMessage(
      JacksonException kind, List<Reference> refs, String path, JsonParser parser, Reading at) {
    if (kind instanceof PropertyBindingException unknown) {
      String known =
          unknown.getKnownPropertyIds() == null
              ? ""
              : unknown.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", "));
      String owner =
          unknown.getReferringClass() == null
              ? "the object"
              : unknown.getReferringClass().getSimpleName();
      return "unknown property "
          + quote(unknown.getPropertyName())
          + " at "
          + path
          + " ("
          + owner
          + (known.isEmpty() ? " has no properties" : " has: " + known)
          + "; unknown properties are rejected)";
    }
    if (kind instanceof InvalidTypeIdException typeId) {
      Matcher ids = KNOWN_IDS.matcher(Objects.toString(typeId.getOriginalMessage(), ""));
      return "expected "
          + TypeText.simple(typeId.getBaseType())
          + " at "
          + path
          + ", got "
          + (typeId.getTypeId() == null ? "no type id" : "type id " + quote(typeId.getTypeId()))
          + (ids.find() ? " (known type ids: " + ids.group(1) + ")" : "");
    }
    JavaType expected = expectedAt(at, refs, targetOf(kind, at));
    if (kind instanceof ValueInstantiationException invalid) {
      Throwable cause = invalid.getCause();
      String why =
          cause == null || cause.getMessage() == null
              ? (cause == null ? "rejected" : cause.getClass().getSimpleName())
              : cause.getMessage();
      return "invalid " + TypeText.simple(expected) + " at " + path + ": " + why;
    }
    if (kind instanceof InvalidFormatException format) {
      if (isMapKey(format)) {
        return "expected "
            + TypeText.expected(expected)
            + " as a map key at "
            + path
            + ", got "
            + quote(String.valueOf(format.getValue()));
      }
      String got =
          expected.getRawClass() == byte[].class ? "a string that is not base64" : found(parser);
      return "expected " + TypeText.expected(expected) + " at " + path + ", got " + got;
    }
    if (kind instanceof MismatchedInputException mismatch) {
      Matcher missing = MISSING.matcher(Objects.toString(mismatch.getOriginalMessage(), ""));
      if (missing.find()) {
        String name = missing.group(1);
        JavaType owner =
            expectedAt(at, isLast(refs, name) ? refs.subList(0, refs.size() - 1) : refs, null);
        return "missing property "
            + quote(name)
            + " at "
            + path
            + " (required by "
            + TypeText.simple(owner)
            + ")";
      }
      return "expected " + TypeText.expected(expected) + " at " + path + ", got " + found(parser);
    }
    if (kind instanceof InputCoercionException) {
      return "expected "
          + TypeText.expected(expected)
          + " at "
          + path
          + ", got "
          + found(parser)
          + " (out of range)";
    }
    if (kind instanceof StreamConstraintsException limit) {
      return "JSON at " + path + " exceeds a limit: " + limit.getOriginalMessage();
    }
    if (kind instanceof StreamReadException malformed) {
      JsonLocation where = malformed.getLocation();
      return "malformed JSON at "
          + path
          + (where == null
              ? ""
              : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
          + ": "
          + firstLine(malformed.getOriginalMessage());
    }
    return "cannot read "
        + TypeText.expected(expected)
        + " at "
        + path
        + ": "
        + firstLine(kind.getOriginalMessage());
  }

  /** The input is finished but more JSON follows it. */
  static TransportException trailing(JsonParser parser, String label) {
    JsonLocation where = parser.currentTokenLocation();
    return new TransportException(
        label
            + "malformed JSON: unexpected "
            + found(parser)
            + " after the end of the value (line "
            + where.getLineNr()
            + ", column "
            + where.getColumnNr()
            + ")",
        "$");
  }

  private static JavaType targetOf(JacksonException kind, Reading at) {
    Class<?> target = null;
    if (kind instanceof MismatchedInputException m) {
      target = m.getTargetType();
    } else if (kind instanceof InputCoercionException c) {
      target = c.getTargetType();
    }
    return target == null ? null : at.config().constructType(target);
  }

  /**
   * The declared type at the end of {@code refs}, which keeps generics ({@code List<Integer>}
   * rather than Jackson's {@code ArrayList}); Jackson's own target type when they disagree (a map
   * key) or the walk gets lost.
   */
  private static JavaType expectedAt(Reading at, List<Reference> refs, JavaType target) {
    JavaType type = at.declared();
    for (Reference ref : refs) {
      type = unwrap(type);
      if (type.isContainerType()) {
        type = type.getContentType();
      } else if (ref.getFieldName() != null) {
        type = propertyType(at.config(), type, ref.getFieldName());
        if (type == null) {
          return target == null ? at.declared() : target;
        }
      } else {
        return target == null ? at.declared() : target;
      }
    }
    type = unwrap(type);
    if (target == null) {
      return type;
    }
    Class<?> declared = box(type.getRawClass());
    Class<?> actual = box(target.getRawClass());
    return declared.isAssignableFrom(actual) || actual.isAssignableFrom(declared) ? type : target;
  }

  private static JavaType unwrap(JavaType type) {
    while (type.isReferenceType()) {
      type = type.getReferencedType();
    }
    return type;
  }

  private static JavaType propertyType(DeserializationConfig config, JavaType owner, String name) {
    for (BeanPropertyDefinition property : config.introspect(owner).findProperties()) {
      if (property.getName().equals(name)) {
        return property.getPrimaryType();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------- encoding

  static UsageException encoding(
      JacksonException e, JsonStreamContext output, JavaType declared, String root) {
    List<Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
    String path = refs.isEmpty() ? contextPath(output, root) : root + segments(refs, true);
    Throwable refused = find(e, Mappers.RefusedValueException.class);
    if (refused instanceof Mappers.RefusedValueException r) {
      return new UsageException(
          "cannot encode "
              + TypeText.qualified(r.getType())
              + " at "
              + path
              + ": "
              + r.getOriginalMessage(),
          e);
    }
    String offender = offender(e, refs, declared);
    boolean tooDeep = find(e, StreamConstraintsException.class) != null;
    if (tooDeep || Objects.toString(e.getOriginalMessage(), "").contains("self-reference")) {
      return new UsageException(
          "cannot encode "
              + offender
              + " at "
              + path
              + ": the value nests "
              + (tooDeep ? "deeper than the limit (1000 levels)" : "inside itself")
              + ", so its object graph is probably cyclic. Send a tree: refer to shared or parent"
              + " objects by id instead of holding them.",
          e);
    }
    if (e instanceof InvalidDefinitionException d
        && Objects.toString(d.getOriginalMessage(), "").contains("no properties discovered")) {
      return new UsageException(
          "cannot encode "
              + offender
              + " at "
              + path
              + ": it has no properties to write (it is not a record and has no public getters or"
              + " fields). Use a record, or a type with public getters or Jackson annotations.",
          e);
    }
    Throwable cause = e.getCause();
    String why;
    if (cause instanceof ClassCastException) {
      why = "it does not match its declared type (" + cause.getMessage() + ")";
    } else if (cause != null && !(cause instanceof JacksonException)) {
      why = "reading it failed with " + cause;
    } else {
      why = firstLine(e.getOriginalMessage());
    }
    return new UsageException(
        "cannot encode "
            + offender
            + " at "
            + path
            + ": "
            + why
            + ". Use a record, or a type with public getters or Jackson annotations.",
        e);
  }

  private static String offender(JacksonException e, List<Reference> refs, JavaType declared) {
    if (e instanceof InvalidDefinitionException d && d.getType() != null) {
      return TypeText.qualified(d.getType());
    }
    if (!refs.isEmpty() && refs.get(refs.size() - 1).getFrom() != null) {
      Object from = refs.get(refs.size() - 1).getFrom();
      Class<?> type = from instanceof Class<?> c ? c : from.getClass();
      String name = type.getCanonicalName() == null ? type.getName() : type.getCanonicalName();
      return "a value inside " + name;
    }
    return TypeText.qualified(declared);
  }

  private static Throwable find(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------ shared

  /** {@code .items[2].owner}, shortening a path deeper than a dozen segments. */
  private static String segments(List<Reference> refs, boolean abbreviate) {
    StringBuilder text = new StringBuilder();
    int n = refs.size();
    boolean shorten = abbreviate && n > MAX_SHOWN_SEGMENTS;
    for (int i = 0; i < n; i++) {
      if (shorten && i == MAX_SHOWN_SEGMENTS - 2) {
        text.append("…(").append(n - MAX_SHOWN_SEGMENTS).append(" more)…");
        i = n - 3;
        continue;
      }
      Reference ref = refs.get(i);
      if (ref.getFieldName() != null) {
        text.append(segment(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        text.append('[').append(ref.getIndex()).append(']');
      } else {
        text.append("[?]");
      }
    }
    return text.toString();
  }

  private static String contextPath(JsonStreamContext context, String root) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.push(segment(c.getCurrentName()));
      }
    }
    if (parts.size() > MAX_SHOWN_SEGMENTS) {
      int total = parts.size();
      List<String> all = List.copyOf(parts);
      return root
          + String.join("", all.subList(0, MAX_SHOWN_SEGMENTS - 2))
          + "…("
          + (total - MAX_SHOWN_SEGMENTS)
          + " more)…"
          + String.join("", all.subList(total - 2, total));
    }
    return root + String.join("", parts);
  }

  private static String segment(String name) {
    return IDENTIFIER.matcher(name).matches() ? "." + name : "[" + quote(name) + "]";
  }

  private static String found(JsonParser parser) {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return "end of input";
    }
    return switch (token) {
      case VALUE_STRING -> quote(text(parser));
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> truncate(text(parser));
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case END_OBJECT -> "the end of an object";
      case END_ARRAY -> "the end of an array";
      case FIELD_NAME -> "property " + quote(text(parser));
      default -> token.toString();
    };
  }

  private static String text(JsonParser parser) {
    try {
      return parser.getText();
    } catch (IOException e) {
      return "?";
    }
  }

  private static String shown(Object value) {
    return value instanceof String s ? quote(s) : truncate(String.valueOf(value));
  }

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder text = new StringBuilder("\"");
    String shown = truncate(s);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      switch (c) {
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> {
          if (c < 0x20) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    return text.append('"').toString();
  }

  private static String truncate(String s) {
    return s.length() <= MAX_SHOWN_CHARS ? s : s.substring(0, MAX_SHOWN_CHARS) + "…";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }

  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    } else if (type == long.class) {
      return Long.class;
    } else if (type == double.class) {
      return Double.class;
    } else if (type == boolean.class) {
      return Boolean.class;
    } else if (type == float.class) {
      return Float.class;
    } else if (type == short.class) {
      return Short.class;
    } else if (type == byte.class) {
      return Byte.class;
    } else if (type == char.class) {
      return Character.class;
    }
    return Void.class;
  }
}

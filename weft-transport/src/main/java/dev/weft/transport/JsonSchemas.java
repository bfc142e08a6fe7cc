package dev.weft.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON Schema (draft 2020-12, the dialect OpenAPI 3.1 uses) for the JSON that {@link JsonCodec}
 * reads and writes for a declared Java type, and an example value of that JSON.
 *
 * <p>Records become objects whose properties are their components; every component is {@code
 * required} except those declared {@code Optional} (which may be omitted or {@code null}).
 * Records are described once under a name and referenced ({@code $ref}) wherever they occur, so
 * recursive records are fine. Collections and arrays become arrays ({@code Set}s with {@code
 * uniqueItems}), maps become objects whose values have the map's value type, enums become strings
 * with their constant names, {@code byte[]} a base64 string, {@code java.time} values ISO-8601
 * strings with a {@code format} where JSON Schema has one, {@code UUID} a string of format {@code
 * uuid}. A type the codec reads by its runtime shape only ({@code Object}, a wildcard, a type
 * variable) gets the empty schema, which allows any JSON; other classes (beans) get {@code
 * {"type":"object"}} without properties.
 *
 * <p>Use {@link #standalone(Type)} for one self-contained schema ({@code $defs} holds the records);
 * use {@link #referencing(String)} to describe several types against one shared set of
 * definitions, as an OpenAPI document's {@code components/schemas} does.
 *
 * <p><b>Threads.</b> The static methods are thread-safe. An instance made by {@link
 * #referencing(String)} collects definitions as it goes and must be used by one thread at a time.
 * Nothing blocks.
 */
public final class JsonSchemas {
  /** The {@code $schema} URI of the dialect the schemas use. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper WRITER = new ObjectMapper();
  /** Deeper than any sane example; recursive records stop here. */
  private static final int MAX_EXAMPLE_DEPTH = 16;

  private final String refPrefix;
  private final Set<String> taken;
  private final Map<String, ObjectNode> definitions = new TreeMap<>();
  /** Which name each described type got; types are compared by their full generic form. */
  private final Map<String, String> names = new HashMap<>();

  private JsonSchemas(String refPrefix, Set<String> taken) {
    this.refPrefix = refPrefix;
    this.taken = Set.copyOf(taken);
  }

  /**
   * A collector whose schemas reference records as {@code refPrefix + name}; {@link #definitions()}
   * then holds the schema of each name. For an OpenAPI document pass {@code
   * "#/components/schemas/"}.
   *
   * @throws IllegalArgumentException if {@code refPrefix} is blank
   */
  public static JsonSchemas referencing(String refPrefix) {
    return referencing(refPrefix, Set.of());
  }

  /**
   * As {@link #referencing(String)}, never using one of the {@code taken} names (those the
   * document already defines under the same prefix); a record whose simple name is taken gets its
   * qualified name.
   *
   * @throws IllegalArgumentException if {@code refPrefix} is blank
   */
  public static JsonSchemas referencing(String refPrefix, Set<String> taken) {
    Objects.requireNonNull(refPrefix, "refPrefix");
    Objects.requireNonNull(taken, "taken");
    if (refPrefix.isBlank()) {
      throw new IllegalArgumentException(
          "refPrefix is blank; pass the JSON pointer prefix the definitions live under, such as"
              + " \"#/components/schemas/\"");
    }
    return new JsonSchemas(refPrefix, taken);
  }

  /**
   * One self-contained schema for {@code declared}, as JSON text: {@code $schema} names the 2020-12
   * dialect, and records are defined under {@code $defs}.
   */
  public static String standalone(Type declared) {
    JsonSchemas collector = new JsonSchemas("#/$defs/", Set.of());
    ObjectNode root = NODES.objectNode();
    root.put("$schema", DIALECT);
    root.setAll(collector.node(declared));
    if (!collector.definitions.isEmpty()) {
      ObjectNode defs = root.putObject("$defs");
      collector.definitions.forEach(defs::set);
    }
    return text(root);
  }

  /**
   * The schema of {@code declared} as JSON text; the records it reaches are added to {@link
   * #definitions()} and referenced.
   */
  public String schema(Type declared) {
    return text(node(declared));
  }

  /**
   * Every record described so far, by the name its {@code $ref} uses, each as JSON text; sorted by
   * name. A copy: later calls to {@link #schema} do not change it.
   */
  public Map<String, String> definitions() {
    Map<String, String> copy = new LinkedHashMap<>();
    definitions.forEach((name, node) -> copy.put(name, text(node)));
    return copy;
  }

  /**
   * An example of the JSON {@code declared} is read from, as JSON text: every record component is
   * present (optional ones too), collections hold one element, strings say what they hold. It
   * decodes with {@link JsonCodec} unless the type holds something the codec cannot read anyway;
   * a recursive record ends with an empty collection or {@code null}.
   */
  public static String example(Type declared) {
    return text(new Example().of(declared, Map.of(), 0));
  }

  // --------------------------------------------------------------------------- schema

  private ObjectNode node(Type type) {
    return node(type, Map.of());
  }

  private ObjectNode node(Type type, Map<TypeVariable<?>, Type> bindings) {
    type = resolve(type, bindings);
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return nullable(node(args[0], bindings));
      }
      if (Collection.class.isAssignableFrom(raw)) {
        ObjectNode array = type("array");
        array.set("items", node(args.length == 1 ? args[0] : Object.class, bindings));
        if (Set.class.isAssignableFrom(raw)) {
          array.put("uniqueItems", true);
        }
        return array;
      }
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode object = type("object");
        object.set("additionalProperties", node(args.length == 2 ? args[1] : Object.class, bindings));
        return object;
      }
      if (raw.isRecord()) {
        return record(raw, p, bindings);
      }
      return node(raw, bindings);
    }
    if (type instanceof GenericArrayType g) {
      ObjectNode array = type("array");
      array.set("items", node(g.getGenericComponentType(), bindings));
      return array;
    }
    if (!(type instanceof Class<?> c)) {
      return NODES.objectNode(); // a wildcard or an unbound variable: any JSON, as the codec reads it
    }
    return plain(c, bindings);
  }

  private ObjectNode plain(Class<?> c, Map<TypeVariable<?>, Type> bindings) {
    if (c == byte[].class) {
      ObjectNode s = type("string");
      s.put("contentEncoding", "base64");
      return s;
    }
    if (c.isArray()) {
      ObjectNode array = type("array");
      array.set("items", node(c.getComponentType(), bindings));
      return array;
    }
    if (c == void.class || c == Void.class) {
      return type("null");
    }
    if (c == boolean.class || c == Boolean.class) {
      return type("boolean");
    }
    if (c == int.class || c == Integer.class || c == short.class || c == Short.class
        || c == byte.class || c == Byte.class || c == OptionalInt.class) {
      return format(type("integer"), "int32");
    }
    if (c == long.class || c == Long.class || c == OptionalLong.class) {
      return format(type("integer"), "int64");
    }
    if (c == BigInteger.class || c == Year.class) {
      return type("integer");
    }
    if (c == float.class || c == Float.class) {
      return format(type("number"), "float");
    }
    if (c == double.class || c == Double.class || c == OptionalDouble.class) {
      return format(type("number"), "double");
    }
    if (c == BigDecimal.class) {
      return type("number");
    }
    if (c == char.class || c == Character.class) {
      ObjectNode s = type("string");
      s.put("minLength", 1);
      s.put("maxLength", 1);
      return s;
    }
    if (c == String.class || CharSequence.class.isAssignableFrom(c)) {
      return type("string");
    }
    if (c == UUID.class) {
      return format(type("string"), "uuid");
    }
    if (c == Instant.class || c == OffsetDateTime.class) {
      return format(type("string"), "date-time");
    }
    if (c == LocalDate.class) {
      return format(type("string"), "date");
    }
    if (c == OffsetTime.class) {
      return format(type("string"), "time");
    }
    if (c == Duration.class || c == Period.class) {
      return format(type("string"), "duration");
    }
    if (c == ZonedDateTime.class || c == LocalDateTime.class || c == LocalTime.class
        || c == YearMonth.class || c == MonthDay.class || ZoneId.class.isAssignableFrom(c)
        || c == ZoneOffset.class) {
      ObjectNode s = type("string");
      s.put("description", "ISO-8601 " + c.getSimpleName());
      return s;
    }
    if (c.isEnum()) {
      ObjectNode s = type("string");
      ArrayNode values = s.putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return s;
    }
    if (c == Optional.class || c == Object.class) {
      return NODES.objectNode();
    }
    if (Collection.class.isAssignableFrom(c)) {
      ObjectNode array = type("array");
      array.set("items", NODES.objectNode());
      return array;
    }
    if (Map.class.isAssignableFrom(c)) {
      return type("object");
    }
    if (c.isRecord()) {
      return record(c, c, bindings);
    }
    ObjectNode bean = type("object");
    bean.put("description", c.getName());
    return bean;
  }

  /** A {@code $ref} to the record's definition, adding the definition the first time. */
  private ObjectNode record(Class<?> raw, Type full, Map<TypeVariable<?>, Type> outer) {
    String key = full.getTypeName();
    String name = names.get(key);
    if (name == null) {
      name = uniqueName(raw, full);
      names.put(key, name);
      ObjectNode def = type("object");
      definitions.put(name, def); // before the components, so a recursive record finds its name
      Map<TypeVariable<?>, Type> bindings = bindings(raw, full, outer);
      ObjectNode properties = def.putObject("properties");
      ArrayNode required = NODES.arrayNode();
      for (RecordComponent component : raw.getRecordComponents()) {
        Type componentType = resolve(component.getGenericType(), bindings);
        properties.set(component.getName(), node(componentType, bindings));
        if (!isOptional(componentType)) {
          required.add(component.getName());
        }
      }
      if (!required.isEmpty()) {
        def.set("required", required);
      }
      def.put("additionalProperties", false); // the codec refuses unknown properties
    }
    ObjectNode ref = NODES.objectNode();
    ref.put("$ref", refPrefix + name);
    return ref;
  }

  private String uniqueName(Class<?> raw, Type full) {
    StringBuilder name = new StringBuilder(raw.getSimpleName());
    if (full instanceof ParameterizedType p) {
      for (Type arg : p.getActualTypeArguments()) {
        name.append('_').append(simpleName(arg));
      }
    }
    String candidate = name.toString();
    if (!isUsed(candidate)) {
      return candidate;
    }
    String qualified = raw.getName().replace('$', '.') + candidate.substring(raw.getSimpleName().length());
    String unique = qualified;
    for (int i = 2; isUsed(unique); i++) {
      unique = qualified + "_" + i;
    }
    return unique;
  }

  private boolean isUsed(String name) {
    return definitions.containsKey(name) || taken.contains(name);
  }

  private static String simpleName(Type t) {
    if (t instanceof Class<?> c) {
      return c.isArray() ? simpleName(c.getComponentType()) + "Array" : c.getSimpleName();
    }
    if (t instanceof ParameterizedType p) {
      StringBuilder s = new StringBuilder(simpleName(p.getRawType()));
      for (Type arg : p.getActualTypeArguments()) {
        s.append('_').append(simpleName(arg));
      }
      return s.toString();
    }
    return "Object";
  }

  private static boolean isOptional(Type t) {
    Class<?> raw = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> c ? c : null;
    return raw == Optional.class || raw == OptionalInt.class || raw == OptionalLong.class
        || raw == OptionalDouble.class;
  }

  private static ObjectNode nullable(ObjectNode schema) {
    ObjectNode any = NODES.objectNode();
    ArrayNode anyOf = any.putArray("anyOf");
    anyOf.add(schema);
    anyOf.add(type("null"));
    return any;
  }

  private static ObjectNode type(String name) {
    ObjectNode node = NODES.objectNode();
    node.put("type", name);
    return node;
  }

  private static ObjectNode format(ObjectNode node, String format) {
    node.put("format", format);
    return node;
  }

  // --------------------------------------------------------------------------- generics

  private static Map<TypeVariable<?>, Type> bindings(
      Class<?> raw, Type full, Map<TypeVariable<?>, Type> outer) {
    if (!(full instanceof ParameterizedType p)) {
      return Map.of();
    }
    Map<TypeVariable<?>, Type> bound = new HashMap<>();
    TypeVariable<?>[] vars = raw.getTypeParameters();
    Type[] args = p.getActualTypeArguments();
    for (int i = 0; i < vars.length && i < args.length; i++) {
      bound.put(vars[i], resolve(args[i], outer));
    }
    return bound;
  }

  private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
    if (type instanceof TypeVariable<?> v) {
      Type bound = bindings.get(v);
      return bound != null ? bound : v.getBounds().length == 1 && v.getBounds()[0] != Object.class
          ? v.getBounds()[0] : v;
    }
    if (type instanceof WildcardType w) {
      Type[] upper = w.getUpperBounds();
      return upper.length == 1 && upper[0] != Object.class ? resolve(upper[0], bindings) : w;
    }
    if (type instanceof ParameterizedType p && !bindings.isEmpty()) {
      Type[] args = p.getActualTypeArguments().clone();
      boolean changed = false;
      for (int i = 0; i < args.length; i++) {
        Type r = resolve(args[i], bindings);
        changed |= r != args[i];
        args[i] = r;
      }
      return changed ? new Parameterized((Class<?>) p.getRawType(), args, p.getOwnerType()) : p;
    }
    return type;
  }

  /** A parameterized type with its variables replaced; equal by its text, as names use it. */
  private record Parameterized(Class<?> raw, Type[] args, Type owner) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return owner;
    }

    @Override
    public String getTypeName() {
      List<String> parts = new ArrayList<>();
      for (Type a : args) {
        parts.add(a.getTypeName());
      }
      return raw.getTypeName() + "<" + String.join(", ", parts) + ">";
    }
  }

  // --------------------------------------------------------------------------- examples

  /** Builds one example value; tracks the records on the current path to end recursion. */
  private static final class Example {
    private final Set<Class<?>> onPath = new HashSet<>();

    JsonNode of(Type type, Map<TypeVariable<?>, Type> bindings, int depth) {
      type = resolve(type, bindings);
      if (depth > MAX_EXAMPLE_DEPTH) {
        return NODES.nullNode();
      }
      if (type instanceof ParameterizedType p) {
        Class<?> raw = (Class<?>) p.getRawType();
        Type[] args = p.getActualTypeArguments();
        if (raw == Optional.class) {
          return of(args[0], bindings, depth + 1);
        }
        if (Collection.class.isAssignableFrom(raw)) {
          ArrayNode array = NODES.arrayNode();
          if (!recursesInto(args[0])) {
            array.add(of(args[0], bindings, depth + 1));
          }
          return array;
        }
        if (Map.class.isAssignableFrom(raw)) {
          ObjectNode object = NODES.objectNode();
          if (args.length == 2 && !recursesInto(args[1])) {
            object.set(mapKey(args[0]), of(args[1], bindings, depth + 1));
          }
          return object;
        }
        if (raw.isRecord()) {
          return record(raw, JsonSchemas.bindings(raw, p, bindings), depth);
        }
        type = raw;
      }
      if (type instanceof GenericArrayType g) {
        ArrayNode array = NODES.arrayNode();
        array.add(of(g.getGenericComponentType(), bindings, depth + 1));
        return array;
      }
      if (!(type instanceof Class<?> c)) {
        return NODES.objectNode();
      }
      return plain(c, bindings, depth);
    }

    private JsonNode plain(Class<?> c, Map<TypeVariable<?>, Type> bindings, int depth) {
      if (c == byte[].class) {
        return NODES.textNode("aGVsbG8="); // "hello"
      }
      if (c.isArray()) {
        ArrayNode array = NODES.arrayNode();
        if (!recursesInto(c.getComponentType())) {
          array.add(of(c.getComponentType(), bindings, depth + 1));
        }
        return array;
      }
      if (c == void.class || c == Void.class) {
        return NODES.nullNode();
      }
      if (c == boolean.class || c == Boolean.class) {
        return NODES.booleanNode(false);
      }
      if (c == int.class || c == Integer.class || c == short.class || c == Short.class
          || c == byte.class || c == Byte.class || c == long.class || c == Long.class
          || c == BigInteger.class || c == OptionalInt.class || c == OptionalLong.class) {
        return NODES.numberNode(0);
      }
      if (c == Year.class) {
        return NODES.numberNode(2024);
      }
      if (c == float.class || c == Float.class || c == double.class || c == Double.class
          || c == OptionalDouble.class) {
        return NODES.numberNode(0.5);
      }
      if (c == BigDecimal.class) {
        return NODES.numberNode(new BigDecimal("0.50"));
      }
      if (c == char.class || c == Character.class) {
        return NODES.textNode("a");
      }
      if (c == String.class || CharSequence.class.isAssignableFrom(c)) {
        return NODES.textNode("string");
      }
      if (c == UUID.class) {
        return NODES.textNode("123e4567-e89b-12d3-a456-426614174000");
      }
      String time = time(c);
      if (time != null) {
        return NODES.textNode(time);
      }
      if (c.isEnum()) {
        Object[] constants = c.getEnumConstants();
        return constants.length == 0 ? NODES.nullNode() : NODES.textNode(((Enum<?>) constants[0]).name());
      }
      if (Collection.class.isAssignableFrom(c)) {
        return NODES.arrayNode();
      }
      if (c.isRecord()) {
        return record(c, Map.of(), depth);
      }
      return c == Object.class ? NODES.nullNode() : NODES.objectNode();
    }

    private JsonNode record(Class<?> raw, Map<TypeVariable<?>, Type> bindings, int depth) {
      if (!onPath.add(raw)) {
        return NODES.nullNode(); // only reached for a directly recursive required component
      }
      try {
        ObjectNode object = NODES.objectNode();
        for (RecordComponent component : raw.getRecordComponents()) {
          Type t = resolve(component.getGenericType(), bindings);
          if (isOptional(t) && recursesInto(t)) {
            continue; // omitting an Optional is how a recursive record ends
          }
          object.set(component.getName(), of(t, bindings, depth + 1));
        }
        return object;
      } finally {
        onPath.remove(raw);
      }
    }

    /** Whether {@code t} (or what an Optional of it holds) is a record already on the path. */
    private boolean recursesInto(Type t) {
      if (t instanceof ParameterizedType p) {
        Type raw = p.getRawType();
        if (raw == Optional.class) {
          return recursesInto(p.getActualTypeArguments()[0]);
        }
        return raw instanceof Class<?> c && onPath.contains(c);
      }
      return t instanceof Class<?> c && onPath.contains(c);
    }

    private static String mapKey(Type key) {
      if (key instanceof Class<?> c) {
        if (c.isEnum() && c.getEnumConstants().length > 0) {
          return ((Enum<?>) c.getEnumConstants()[0]).name();
        }
        if (c == Integer.class || c == Long.class || c == Short.class || c == BigInteger.class) {
          return "0";
        }
        if (c == UUID.class) {
          return "123e4567-e89b-12d3-a456-426614174000";
        }
      }
      return "key";
    }

    private static String time(Class<?> c) {
      if (c == Instant.class) {
        return "2024-01-31T12:00:00Z";
      }
      if (c == OffsetDateTime.class) {
        return "2024-01-31T12:00:00+01:00";
      }
      if (c == ZonedDateTime.class) {
        return "2024-01-31T12:00:00+01:00[Europe/Paris]";
      }
      if (c == LocalDateTime.class) {
        return "2024-01-31T12:00:00";
      }
      if (c == LocalDate.class) {
        return "2024-01-31";
      }
      if (c == LocalTime.class) {
        return "12:00:00";
      }
      if (c == OffsetTime.class) {
        return "12:00:00+01:00";
      }
      if (c == Duration.class) {
        return "PT1M30S";
      }
      if (c == Period.class) {
        return "P1M";
      }
      if (c == YearMonth.class) {
        return "2024-01";
      }
      if (c == MonthDay.class) {
        return "--01-31";
      }
      if (c == ZoneOffset.class) {
        return "+01:00";
      }
      if (ZoneId.class.isAssignableFrom(c)) {
        return "Europe/Paris";
      }
      return null;
    }
  }

  private static String text(JsonNode node) {
    try {
      return WRITER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }
}

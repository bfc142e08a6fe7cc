package dev.weft.transport;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weft.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Weft's wire format: JSON whose meaning is fixed by a declared Java type. Use it to write call
 * arguments and results into the journal, HTTP bodies and worker messages, and to read them back
 * with the same declared types, typically taken from reflection ({@link
 * java.lang.reflect.Method#getGenericReturnType()}, {@link
 * java.lang.reflect.Method#getGenericParameterTypes()}) so that generics survive: {@code
 * List<Integer>} reads back as a list of {@code Integer}, not of whatever the JSON suggests.
 *
 * <p><b>Round trips.</b> For every supported type {@code T} and value {@code v}, {@code
 * decode(encode(v, T), T)} equals {@code v}: primitives and their boxes, {@code String}, {@code
 * BigDecimal} (scale kept), {@code BigInteger}, enums (by name), records (including generic and
 * nested ones), classes with a usable constructor and getters or Jackson annotations, arrays
 * ({@code byte[]} as base64), {@code List}/{@code Set}/{@code Map} and other collections, {@code
 * Optional} (empty is {@code null}), {@code java.time} values (ISO-8601 strings; zones and offsets
 * kept), {@code UUID} and {@code null}. docs/TRANSPORT.md lists the JSON form of each.
 *
 * <p><b>Declared {@code Object}.</b> A value declared as {@code Object} (also as a raw type, a
 * wildcard or an unbound type variable, which reflection resolves to their bounds) is written by
 * its runtime type, but read back as plain JSON values only: {@code LinkedHashMap}, {@code
 * ArrayList}, {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double},
 * {@code Boolean} or {@code null}. Declare the real type when it matters.
 *
 * <p><b>Security.</b> Decoding is driven only by the declared type. No Java serialization is ever
 * used, no default typing is enabled, and no class name is ever read from the wire: types that
 * would need one ({@code Class}, interfaces and abstract classes without a {@code @JsonTypeInfo}
 * naming their subtypes by logical name, {@code @JsonTypeInfo(use = CLASS)}) are refused. The JSON
 * parser's limits apply (nesting depth 1000, numbers of 1000 digits, strings of 20 MB); duplicate
 * object keys are an error.
 *
 * <p><b>Strict reading.</b> Unknown properties are rejected, not ignored (an API caller's typo is
 * an error it should hear about; annotate a type {@code @JsonIgnoreProperties(ignoreUnknown =
 * true)} to opt out). Every record component must be present unless it is an {@code Optional},
 * which reads an absent value as empty; a component may be {@code null} unless it is primitive.
 * Scalars are not coerced: {@code "1"} is not an {@code int}, {@code 1} is not a {@code String},
 * {@code 1.5} is not an {@code int}.
 *
 * <p><b>Declared types are checked first.</b> The first time a declared type is used, encoding or
 * decoding, everything reachable from it must be readable from JSON by declared type alone; if not,
 * a {@link UsageException} names the offending type and where it sits (for example {@code
 * value.items[*].owner}), whether or not the value at hand contains one. This makes a value that
 * could be journaled but never replayed impossible.
 *
 * <p><b>Errors.</b> {@code encode} throws {@link UsageException} for a value that cannot be
 * represented (a thread, a future, a lambda, a class with no properties, a cyclic graph, a value
 * that is not an instance of the declared type), naming its Java type and the path to it, such as
 * {@code value.items[2].owner}, and saying what to do. {@code decode} throws {@link
 * TransportException} for input that is malformed or does not match the declared type, saying what
 * was expected at which JSON path and what was found ({@code expected Integer at $.numbers[1], got
 * "x"}), fit for an HTTP 400 body.
 *
 * <p><b>Threads.</b> Immutable and thread-safe; every method may be called concurrently and none
 * blocks on anything but the CPU. Per-type preparation is cached.
 */
public final class JsonCodec {
  private static final JsonCodec STANDARD = new JsonCodec(Mappers.wireMapper());

  private final JsonMapper mapper;
  private final ConcurrentMap<JavaType, Plan> plans = new ConcurrentHashMap<>();

  private JsonCodec(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** The codec with Weft's wire format. The same instance on every call. */
  public static JsonCodec standard() {
    return STANDARD;
  }

  /**
   * Writes {@code value} as JSON for its declared type.
   *
   * @param value the value; may be {@code null} unless {@code declared} is primitive
   * @param declared its declared type, such as a method's generic return type
   * @throws UsageException if the value is not an instance of {@code declared}, cannot be
   *     represented, or {@code declared} cannot be read back from JSON
   */
  public String encode(Object value, Type declared) {
    String scalar = scalar(value, declared);
    if (scalar != null) {
      return scalar;
    }
    Plan plan = plan(declared);
    plan.requireUsable("value", "encode");
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = mapper.getFactory().createGenerator(out)) {
      write(plan, value, generator, "value");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toString();
  }

  /**
   * As {@link #encode(Object, Type)}, as UTF-8 bytes.
   *
   * @throws UsageException as {@link #encode(Object, Type)} does
   */
  public byte[] encodeToBytes(Object value, Type declared) {
    Plan plan = plan(declared);
    plan.requireUsable("value", "encode");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = mapper.getFactory().createGenerator(out)) {
      write(plan, value, generator, "value");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads JSON written for {@code declared}, by {@link #encode} or by anyone else.
   *
   * @return an instance of {@code declared} (boxed if primitive), or {@code null} for JSON {@code
   *     null} (an empty {@code Optional} if {@code declared} is an {@code Optional})
   * @throws TransportException if {@code json} is malformed or does not match {@code declared}
   * @throws UsageException if {@code declared} cannot be read from JSON at all
   */
  public Object decode(String json, Type declared) {
    Objects.requireNonNull(json, "json");
    Plan plan = plan(declared);
    plan.requireUsable("value", "decode");
    try (JsonParser parser = parser(json)) {
      return readWhole(plan, parser);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #decode(String, Type)}, from UTF-8 bytes. Strict: bytes that are not UTF-8
   * (malformed, overlong, encoded surrogates), UTF-16 or UTF-32 text, and escapes of lone
   * surrogates ({@code "\ud800"}) are refused rather than read as something else; a leading
   * UTF-8 byte order mark is skipped.
   *
   * @throws TransportException as {@link #decode(String, Type)} does, and for bytes that are not
   *     UTF-8 text, naming the offset and the problem
   * @throws UsageException as {@link #decode(String, Type)} does
   */
  public Object decode(byte[] json, Type declared) {
    Objects.requireNonNull(json, "json");
    Plan plan = plan(declared);
    plan.requireUsable("value", "decode");
    try (JsonParser parser = parser(json)) {
      return readWhole(plan, parser);
    } catch (CharConversionException e) {
      throw new TransportException("malformed JSON: " + e.getMessage(), "$", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes call arguments as one JSON array, {@code args[i]} by {@code declared[i]}.
   *
   * @throws UsageException if the lengths differ, or for an argument that {@link #encode} would
   *     refuse; the message names the argument's index, as in {@code args[2].owner}
   */
  public String encodeArgs(Object[] args, Type[] declared) {
    Objects.requireNonNull(args, "args");
    String scalars = scalarArgs(args, declared);
    if (scalars != null) {
      return scalars;
    }
    Plan[] plans = plans(declared, "encode");
    if (args.length != declared.length) {
      throw new UsageException(
          "cannot encode arguments: "
              + args.length
              + " values for "
              + declared.length
              + " declared parameter types. Pass exactly one value per parameter.");
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = mapper.getFactory().createGenerator(out)) {
      generator.writeStartArray();
      for (int i = 0; i < args.length; i++) {
        write(plans[i], args[i], generator, "args[" + i + "]");
      }
      generator.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Reads call arguments written by {@link #encodeArgs}: a JSON array with exactly one element per
   * declared parameter type.
   *
   * @return a new array of {@code declared.length} values
   * @throws TransportException if {@code json} is not such an array or an element does not match
   *     its type; the message names the argument (for example {@code argument 1: expected Integer
   *     at $[1].numbers[0], got "x"})
   * @throws UsageException if a declared type cannot be read from JSON at all
   */
  public Object[] decodeArgs(String json, Type[] declared) {
    Objects.requireNonNull(json, "json");
    Plan[] plans = plans(declared, "decode");
    try (JsonParser parser = parser(json)) {
      JsonToken first = next(parser, "");
      if (first != JsonToken.START_ARRAY) {
        throw new TransportException(
            "expected a JSON array of "
                + declared.length
                + " arguments at $, got "
                + (first == null ? "end of input" : describe(first)),
            "$");
      }
      Object[] values = new Object[declared.length];
      for (int i = 0; i < declared.length; i++) {
        String label = "argument " + i + ": ";
        if (next(parser, label) == JsonToken.END_ARRAY) {
          throw new TransportException(
              "expected " + declared.length + " arguments at $, got " + i, "$");
        }
        values[i] = read(plans[i], parser, "$[" + i + "]", label);
      }
      JsonToken end = next(parser, "");
      if (end != JsonToken.END_ARRAY) {
        throw new TransportException(
            "expected " + declared.length + " arguments at $, got more",
            "$[" + declared.length + "]");
      }
      if (next(parser, "") != null) {
        throw Failures.trailing(parser, "");
      }
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --------------------------------------------------------------------------- implementation

  /** What is prepared once per declared type: Jackson's reader and writer, and the type check. */
  private record Plan(
      JavaType type,
      ObjectReader reader,
      ObjectWriter writer,
      Optional<DeclaredTypes.Problem> problem) {

    void requireUsable(String root, String verb) {
      if (problem.isPresent()) {
        DeclaredTypes.Problem p = problem.get();
        throw new UsageException(
            "cannot "
                + verb
                + " "
                + root
                + " of declared type "
                + TypeText.qualified(type)
                + ": at "
                + root
                + p.path()
                + ", "
                + p.message());
      }
    }
  }

  private Plan plan(Type declared) {
    Objects.requireNonNull(declared, "declared");
    JavaType type = mapper.constructType(declared);
    Plan plan = plans.get(type);
    if (plan == null) {
      Optional<DeclaredTypes.Problem> problem = DeclaredTypes.check(mapper, type);
      ObjectReader reader = problem.isPresent() ? null : mapper.readerFor(type);
      ObjectWriter writer = problem.isPresent() ? null : mapper.writerFor(type);
      plan = new Plan(type, reader, writer, problem);
      Plan raced = plans.putIfAbsent(type, plan);
      plan = raced == null ? plan : raced;
    }
    return plan;
  }

  private Plan[] plans(Type[] declared, String verb) {
    Objects.requireNonNull(declared, "declared");
    Plan[] result = new Plan[declared.length];
    for (int i = 0; i < declared.length; i++) {
      result[i] = plan(declared[i]);
      result[i].requireUsable("args[" + i + "]", verb);
    }
    return result;
  }

  private void write(Plan plan, Object value, JsonGenerator generator, String root)
      throws IOException {
    Class<?> raw = plan.type().getRawClass();
    if (value == null) {
      if (raw.isPrimitive() && raw != void.class) {
        throw new UsageException(
            "cannot encode "
                + root
                + ": it is null, but its declared type is "
                + raw.getName()
                + ". Pass a value, or declare the boxed type.");
      }
      generator.writeNull();
      return;
    }
    if (!Failures.box(raw).isInstance(value)) {
      throw new UsageException(
          "cannot encode "
              + root
              + ": it is a "
              + value.getClass().getName()
              + ", not an instance of its declared type "
              + TypeText.qualified(plan.type())
              + ". Pass the declared type, or declare the type the value has.");
    }
    try {
      plan.writer().writeValue(generator, value);
    } catch (JacksonException e) {
      throw Failures.encoding(e, generator.getOutputContext(), plan.type(), root);
    }
  }

  private Object readWhole(Plan plan, JsonParser parser) throws IOException {
    Object value = read(plan, parser, "$", "");
    if (next(parser, "") != null) {
      throw Failures.trailing(parser, "");
    }
    return value;
  }

  private Object read(Plan plan, JsonParser parser, String rootPath, String label)
      throws IOException {
    Failures.Reading at =
        new Failures.Reading(plan.type(), rootPath, label, mapper.getDeserializationConfig());
    try {
      if (parser.currentToken() == null && parser.nextToken() == null) {
        throw new TransportException(
            label + "expected " + TypeText.expected(plan.type()) + " at $, got end of input", "$");
      }
      if (plan.type().getRawClass() == void.class || plan.type().getRawClass() == Void.class) {
        if (parser.currentToken() != JsonToken.VALUE_NULL) {
          throw new TransportException(
              label
                  + "expected null (no value) at "
                  + rootPath
                  + ", got "
                  + describe(parser.currentToken()),
              rootPath);
        }
        return null;
      }
      return plan.reader().readValue(parser);
    } catch (JacksonException e) {
      throw Failures.decoding(e, parser, at);
    }
  }

  private JsonToken next(JsonParser parser, String label) throws IOException {
    try {
      return parser.nextToken();
    } catch (JacksonException e) {
      JavaType any = mapper.constructType(Object.class);
      throw Failures.decoding(
          e, parser, new Failures.Reading(any, "$", label, mapper.getDeserializationConfig()));
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  private JsonParser parser(String json) throws IOException {
    return mapper.getFactory().createParser(json);
  }

  private JsonParser parser(byte[] json) throws IOException {
    return mapper.getFactory().createParser(StrictText.decode(json));
  }

  /*
   * The scalars most calls pass and return (int, long, boolean and their boxes; strings of plain
   * printable ASCII) are written here, byte for byte as the generator writes them (a test holds
   * it to that): a Jackson generator per value, whose buffers are not recycled on virtual threads,
   * was most of a trivial call's journaling cost. Anything else, null for a primitive or a value
   * of the wrong type included, goes through the generator, which also refuses what it must.
   */

  /** The JSON of up to 8 scalar arguments, or null to let the generator write them. */
  private static String scalarArgs(Object[] args, Type[] declared) {
    if (declared == null || args.length != declared.length || args.length > 8) {
      return null;
    }
    StringBuilder out = new StringBuilder(2 + 12 * args.length).append('[');
    for (int i = 0; i < args.length; i++) {
      String scalar = scalar(args[i], declared[i]);
      if (scalar == null) {
        return null;
      }
      if (i > 0) {
        out.append(',');
      }
      out.append(scalar);
    }
    return out.append(']').toString();
  }

  /** The JSON of a scalar the generator would write the same way, or null to let it do so. */
  private static String scalar(Object v, Type t) {
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
          return null; // needs escaping: the generator's rules
        }
      }
      return '"' + s + '"';
    }
    return null;
  }
}

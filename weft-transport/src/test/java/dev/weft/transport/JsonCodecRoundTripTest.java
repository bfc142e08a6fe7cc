package dev.weft.transport;

import static dev.weft.transport.Samples.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.weft.transport.Samples.Account;
import dev.weft.transport.Samples.Box;
import dev.weft.transport.Samples.Circle;
import dev.weft.transport.Samples.Color;
import dev.weft.transport.Samples.Empty;
import dev.weft.transport.Samples.Line;
import dev.weft.transport.Samples.Op;
import dev.weft.transport.Samples.Order;
import dev.weft.transport.Samples.Pair;
import dev.weft.transport.Samples.Point;
import dev.weft.transport.Samples.Profile;
import dev.weft.transport.Samples.Rect;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class JsonCodecRoundTripTest {
  private final JsonCodec codec = JsonCodec.standard();

  static Stream<Arguments> values() {
    return Stream.of(
        // primitives and boxes
        arguments(int.class, 42),
        arguments(Integer.class, -7),
        arguments(long.class, Long.MAX_VALUE),
        arguments(Long.class, Long.MIN_VALUE),
        arguments(short.class, (short) 12),
        arguments(byte.class, (byte) -3),
        arguments(double.class, 1.5),
        arguments(Double.class, Double.NaN),
        arguments(double.class, Double.NEGATIVE_INFINITY),
        arguments(double.class, 0.1 + 0.2),
        arguments(float.class, 3.25f),
        arguments(boolean.class, true),
        arguments(Boolean.class, false),
        arguments(char.class, 'é'),
        // text and numbers
        arguments(String.class, "héllo \"quoted\"\n\ttab \u0001 ☃ 𝄞"),
        arguments(String.class, ""),
        arguments(BigDecimal.class, new BigDecimal("1.50")),
        arguments(BigDecimal.class, new BigDecimal("1E+3")),
        arguments(BigDecimal.class, new BigDecimal("-123456789012345678901234567890.000000001")),
        arguments(BigInteger.class, new BigInteger("123456789012345678901234567890123456789")),
        arguments(UUID.class, UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
        arguments(URI.class, URI.create("https://example.com/a?b=c")),
        // enums
        arguments(Color.class, Color.GREEN),
        arguments(Op.class, Op.MUL),
        arguments(DayOfWeek.class, DayOfWeek.FRIDAY),
        arguments(Month.class, Month.FEBRUARY),
        // java.time
        arguments(Instant.class, Instant.parse("2024-02-29T23:59:59.123456789Z")),
        arguments(LocalDate.class, LocalDate.of(2024, 2, 29)),
        arguments(LocalTime.class, LocalTime.of(23, 59, 58, 7)),
        arguments(LocalDateTime.class, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6)),
        arguments(
            OffsetDateTime.class,
            OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(-5))),
        arguments(OffsetTime.class, OffsetTime.of(3, 4, 5, 6, ZoneOffset.ofHoursMinutes(5, 30))),
        arguments(
            ZonedDateTime.class,
            ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))),
        arguments(ZonedDateTime.class, ZonedDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC)),
        arguments(Duration.class, Duration.ofMillis(1500)),
        arguments(Duration.class, Duration.ofDays(-2).plusNanos(1)),
        arguments(Period.class, Period.of(1, -2, 3)),
        arguments(Year.class, Year.of(1999)),
        arguments(YearMonth.class, YearMonth.of(2024, 12)),
        arguments(MonthDay.class, MonthDay.of(2, 29)),
        arguments(ZoneId.class, ZoneId.of("America/New_York")),
        arguments(ZoneOffset.class, ZoneOffset.ofHours(9)),
        // records, beans
        arguments(Point.class, new Point(1, -2)),
        arguments(Line.class, new Line(new Point(0, 0), new Point(3, 4), Color.BLUE)),
        arguments(Empty.class, new Empty()),
        arguments(Profile.class, new Profile("ada", Optional.of("countess"), 36, List.of("math"))),
        arguments(Profile.class, new Profile("bob", Optional.empty(), null, List.of())),
        arguments(
            Order.class,
            new Order(
                "o-1",
                new BigDecimal("19.90"),
                List.of(new Line(new Point(1, 1), new Point(2, 2), Color.RED)),
                Map.of("a", 1, "b", 2))),
        arguments(Account.class, new Account("ada", 12_345L)),
        arguments(type("pairOfStringInteger"), new Pair<>("one", 1)),
        arguments(
            type("boxOfPairs"),
            new Box<>(new Pair<>("p", new Point(1, 2)), List.of(new Pair<>("q", new Point(3, 4))))),
        arguments(
            type("listOfPairs"),
            List.of(
                new Pair<>(Color.RED, List.of(new Point(1, 2))),
                new Pair<>(Color.BLUE, List.of()))),
        // collections and maps
        arguments(type("listOfInteger"), List.of(1, 2, 3)),
        arguments(type("listOfInteger"), List.of()),
        arguments(type("setOfString"), Set.of("a", "b", "c")),
        arguments(type("mapOfLists"), Map.of("x", List.of(1.5, -2.0), "y", List.of())),
        arguments(type("mapByInteger"), Map.of(1, "one", -2, "minus two")),
        arguments(type("mapByEnum"), Map.of(Color.RED, 1, Color.BLUE, 3)),
        arguments(type("mapByDate"), Map.of(LocalDate.of(2024, 1, 1), 1)),
        arguments(type("sortedMap"), new TreeMap<>(Map.of("b", 2, "a", 1))),
        arguments(type("listOfFigure"), List.of(new Circle(1.5), new Rect(2, 3))),
        // Optional
        arguments(type("optionalString"), Optional.of("present")),
        arguments(type("optionalString"), Optional.empty()),
        arguments(type("optionalPoint"), Optional.of(new Point(5, 6))),
        arguments(OptionalInt.class, OptionalInt.of(3)),
        arguments(OptionalInt.class, OptionalInt.empty()));
  }

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @MethodSource("values")
  void roundTrip_valueOfDeclaredType_decodesEqual(Type declared, Object value) {
    String json = codec.encode(value, declared);

    assertThat(codec.decode(json, declared)).isEqualTo(value);
    assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), declared)).isEqualTo(value);
    assertThat(codec.decode(codec.encodeToBytes(value, declared), declared)).isEqualTo(value);
  }

  static Stream<Arguments> arrays() {
    return Stream.of(
        arguments(byte[].class, new byte[] {0, 1, -1, 127, -128, 42}),
        arguments(byte[].class, new byte[0]),
        arguments(int[].class, new int[] {1, -2, 3}),
        arguments(long[].class, new long[] {Long.MIN_VALUE, 0}),
        arguments(double[].class, new double[] {0.5, Double.NaN}),
        arguments(boolean[].class, new boolean[] {true, false}),
        arguments(char[].class, new char[] {'a', 'é', '"'}),
        arguments(String[].class, new String[] {"a", null, ""}),
        arguments(Point[].class, new Point[] {new Point(1, 2), null}),
        arguments(Color[].class, new Color[] {Color.RED}),
        arguments(int[][].class, new int[][] {{1}, {2, 3}, {}}));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("arrays")
  void roundTrip_array_decodesEqualElements(Type declared, Object array) {
    Object decoded = codec.decode(codec.encode(array, declared), declared);

    assertThat(decoded).isInstanceOf((Class<?>) declared);
    assertThat(java.util.Objects.deepEquals(decoded, array)).as("deep equals").isTrue();
  }

  @Test
  void roundTrip_listOfIntArrays_keepsElements() {
    List<int[]> value = List.of(new int[] {1, 2}, new int[] {});

    @SuppressWarnings("unchecked")
    List<int[]> decoded =
        (List<int[]>)
            codec.decode(codec.encode(value, type("listOfIntArrays")), type("listOfIntArrays"));

    assertThat(decoded).hasSize(2);
    assertThat(decoded.get(0)).containsExactly(1, 2);
    assertThat(decoded.get(1)).isEmpty();
  }

  static Stream<Type> nullableTypes() {
    return Stream.of(
        String.class,
        Integer.class,
        Point.class,
        byte[].class,
        Object.class,
        type("listOfInteger"),
        type("mapOfLists"),
        type("pairOfStringInteger"),
        Instant.class,
        Void.class,
        void.class);
  }

  @ParameterizedTest
  @MethodSource("nullableTypes")
  void roundTrip_null_isJsonNullAndDecodesNull(Type declared) {
    assertThat(codec.encode(null, declared)).isEqualTo("null");
    assertThat(codec.decode("null", declared)).isNull();
  }

  @Test
  void optional_empty_isJsonNull_andNullDecodesEmpty() {
    assertThat(codec.encode(Optional.empty(), type("optionalString"))).isEqualTo("null");
    assertThat(codec.decode("null", type("optionalString"))).isEqualTo(Optional.empty());
    assertThat(codec.encode(Optional.of("x"), type("optionalString"))).isEqualTo("\"x\"");
  }

  @Test
  void record_optionalComponent_absentDecodesEmpty_nullDecodesEmpty() {
    Profile absent =
        (Profile) codec.decode("{\"name\":\"a\",\"age\":1,\"tags\":[]}", Profile.class);
    Profile explicitNull =
        (Profile)
            codec.decode(
                "{\"name\":\"a\",\"nickname\":null,\"age\":null,\"tags\":[]}", Profile.class);

    assertThat(absent.nickname()).isEmpty();
    assertThat(explicitNull.nickname()).isEmpty();
    assertThat(explicitNull.age()).isNull();
  }

  @Test
  void encode_wireForms_areTheDocumentedOnes() {
    assertThat(codec.encode(new Point(1, 2), Point.class)).isEqualTo("{\"x\":1,\"y\":2}");
    assertThat(codec.encode(Color.RED, Color.class)).isEqualTo("\"RED\"");
    assertThat(codec.encode(new byte[] {1, 2, 3}, byte[].class)).isEqualTo("\"AQID\"");
    assertThat(codec.encode(new BigDecimal("1.50"), BigDecimal.class)).isEqualTo("1.50");
    assertThat(codec.encode(Instant.parse("2024-01-01T00:00:00Z"), Instant.class))
        .isEqualTo("\"2024-01-01T00:00:00Z\"");
    assertThat(codec.encode(Duration.ofMillis(1500), Duration.class)).isEqualTo("\"PT1.5S\"");
    assertThat(
            codec.encode(
                ZonedDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris")),
                ZonedDateTime.class))
        .isEqualTo("\"2024-01-01T12:00:00+01:00[Europe/Paris]\"");
    assertThat(codec.encode(Double.NaN, double.class)).isEqualTo("\"NaN\"");
    assertThat(codec.encode(new Circle(1), Samples.Figure.class))
        .isEqualTo("{\"kind\":\"circle\",\"radius\":1.0}");
    assertThat(codec.encode(Map.of(Color.RED, 1), type("mapByEnum"))).isEqualTo("{\"RED\":1}");
  }

  @Test
  void declaredObject_decodesPlainJsonTypes() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("point", new Point(1, 2));
    value.put("big", 12_345_678_901L);
    value.put("huge", new BigInteger("123456789012345678901234567890"));
    value.put("pi", 3.14);
    value.put("list", List.of("a", true));
    value.put("none", null);

    Object decoded = codec.decode(codec.encode(value, Object.class), Object.class);

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("point", Map.of("x", 1, "y", 2));
    expected.put("big", 12_345_678_901L);
    expected.put("huge", new BigInteger("123456789012345678901234567890"));
    expected.put("pi", 3.14);
    expected.put("list", List.of("a", true));
    expected.put("none", null);
    assertThat(decoded).isInstanceOf(LinkedHashMap.class).isEqualTo(expected);
  }

  @Test
  void declaredObjectElements_decodePlainJsonTypes() {
    List<Object> value = new ArrayList<>(List.of(1, "two", Color.BLUE, new Point(3, 4)));

    Object decoded = codec.decode(codec.encode(value, type("listOfObject")), type("listOfObject"));

    assertThat(decoded).isEqualTo(List.of(1, "two", "BLUE", Map.of("x", 3, "y", 4)));
  }

  @Test
  void typeVariableAndWildcard_resolveToTheirBounds() {
    assertThat(codec.decode("{\"a\":[1]}", type("typeVariable")))
        .isEqualTo(Map.of("a", List.of(1)));
    assertThat(codec.decode("[1, 2.5]", type("wildcard"))).isEqualTo(List.of(1, 2.5));
  }

  @Test
  void record_helperGetters_areNotWritten() {
    assertThat(codec.encode(new Samples.WithHelper(11), Samples.WithHelper.class))
        .isEqualTo("{\"a\":11}");
  }

  @Test
  void subclassOfDeclaredClass_isWrittenAsTheDeclaredClass() {
    Samples.Cage cage = new Samples.Cage(new Samples.Dog("rex"));

    String json = codec.encode(cage, Samples.Cage.class);

    assertThat(json).isEqualTo("{\"animal\":{\"name\":\"rex\"}}");
    assertThat(((Samples.Cage) codec.decode(json, Samples.Cage.class)).animal().getName())
        .isEqualTo("rex");
    assertThat(codec.encode(new Samples.Dog("rex"), Samples.Animal.class))
        .isEqualTo("{\"name\":\"rex\"}");
  }

  @Test
  void args_roundTrip_inDeclaredOrder() {
    Type[] declared = Samples.takesParameters();
    Object[] args = {3, List.of(1, 2), Optional.of("label"), new Point(7, 8)};

    String json = codec.encodeArgs(args, declared);

    assertThat(json).isEqualTo("[3,[1,2],\"label\",{\"x\":7,\"y\":8}]");
    assertThat(codec.decodeArgs(json, declared)).containsExactly(args);
  }

  @Test
  void args_none_isEmptyArray() {
    assertThat(codec.encodeArgs(new Object[0], new Type[0])).isEqualTo("[]");
    assertThat(codec.decodeArgs(" [ ] ", new Type[0])).isEmpty();
  }

  @Test
  void errorPayload_roundTripsAsRecord() {
    ErrorPayload payload =
        ErrorPayload.of(new IllegalStateException("bad", new RuntimeException()));

    Object decoded = codec.decode(codec.encode(payload, ErrorPayload.class), ErrorPayload.class);

    assertThat(decoded).isEqualTo(payload);
  }

  @Test
  void standard_isOneSharedInstance() {
    assertThat(JsonCodec.standard()).isSameAs(JsonCodec.standard());
  }
}

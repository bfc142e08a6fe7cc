package dev.weft.transport;

import static dev.weft.transport.Samples.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.UsageException;
import dev.weft.transport.Samples.Line;
import dev.weft.transport.Samples.Numbers;
import dev.weft.transport.Samples.Point;
import dev.weft.transport.Samples.Positive;
import dev.weft.transport.Samples.Profile;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link JsonCodec#decode} says about input that does not match its declared type. */
final class JsonCodecDecodeErrorTest {
  private final JsonCodec codec = JsonCodec.standard();

  private TransportException failure(String json, Type declared) {
    TransportException e =
        catchThrowableOfType(TransportException.class, () -> codec.decode(json, declared));
    assertThat(e).as("decoding %s", json).isNotNull();
    return e;
  }

  @Test
  void decode_wrongElementType_namesExpectedPathAndFound() {
    TransportException e = failure("{\"numbers\":[1,\"x\"]}", Numbers.class);

    assertThat(e).hasMessage("expected Integer at $.numbers[1], got \"x\"");
    assertThat(e.jsonPath()).isEqualTo("$.numbers[1]");
  }

  @Test
  void decode_wrongTypeDeepInGenericRecord_namesThePath() {
    TransportException e =
        failure(
            "{\"content\":{\"first\":\"a\",\"second\":{\"x\":1,\"y\":\"bad\"}},\"more\":[]}",
            type("boxOfPairs"));

    assertThat(e).hasMessage("expected int at $.content.second.y, got \"bad\"");
  }

  @Test
  void decode_objectWhereListDeclared_namesTheGenericType() {
    assertThat(failure("{\"numbers\":{}}", Numbers.class))
        .hasMessage("expected List<Integer> (an array) at $.numbers, got an object");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'1.5'        | int     | expected int at $, got 1.5",
        "'\"1\"'      | int     | expected int at $, got \"1\"",
        "'true'       | int     | expected int at $, got true",
        "'null'       | int     | expected int at $, got null",
        "'3000000000' | int     | expected int at $, got 3000000000 (out of range)",
        "'1'          | String  | expected String at $, got 1",
        "'[1]'        | String  | expected String at $, got an array",
        "'1'          | boolean | expected boolean at $, got 1",
      })
  void decode_scalarsAreNotCoerced(String json, String typeName, String message) {
    Type declared =
        switch (typeName) {
          case "int" -> int.class;
          case "boolean" -> boolean.class;
          default -> String.class;
        };

    assertThat(failure(json, declared)).hasMessage(message);
  }

  @Test
  void decode_unknownProperty_isRejectedWithTheKnownOnes() {
    TransportException e = failure("{\"x\":1,\"y\":2,\"z\":3}", Point.class);

    assertThat(e)
        .hasMessage(
            "unknown property \"z\" at $.z (Point has: x, y; unknown properties are rejected)");
    assertThat(e.jsonPath()).isEqualTo("$.z");
  }

  @Test
  void decode_unknownPropertyInNestedRecord_namesThePath() {
    assertThat(
            failure(
                "{\"from\":{\"x\":1,\"y\":2,\"colour\":1},\"to\":{\"x\":0,\"y\":0},\"color\":\"RED\"}",
                Line.class))
        .hasMessageStartingWith("unknown property \"colour\" at $.from.colour");
  }

  @Test
  void decode_recordHelperGetterName_isAnUnknownProperty() {
    assertThat(failure("{\"a\":1,\"doubled\":2}", Samples.WithHelper.class))
        .hasMessageStartingWith("unknown property \"doubled\" at $.doubled");
  }

  @Test
  void decode_missingComponent_isRejected() {
    TransportException e = failure("{\"x\":1}", Point.class);

    assertThat(e).hasMessage("missing property \"y\" at $.y (required by Point)");
    assertThat(e.jsonPath()).isEqualTo("$.y");
  }

  @Test
  void decode_missingNonOptionalReference_isRejected_evenIfNullWouldBeAccepted() {
    assertThat(failure("{\"name\":\"a\",\"age\":1}", Profile.class))
        .hasMessage("missing property \"tags\" at $.tags (required by Profile)");
  }

  @Test
  void decode_unknownEnumConstant_listsTheConstants() {
    assertThat(
            failure(
                "{\"from\":{\"x\":1,\"y\":2},\"to\":{\"x\":1,\"y\":2},\"color\":\"PURPLE\"}",
                Line.class))
        .hasMessage("expected Color (one of RED, GREEN, BLUE) at $.color, got \"PURPLE\"");
  }

  @Test
  void decode_badDate_saysIso8601() {
    assertThat(failure("{\"2024-13-01\":1}", type("mapByDate")))
        .hasMessageContaining("as a map key at $[\"2024-13-01\"]");
    assertThat(failure("\"2024-13-01\"", LocalDate.class))
        .hasMessage("expected LocalDate (an ISO-8601 string) at $, got \"2024-13-01\"");
  }

  @Test
  void decode_badMapKey_namesTheKey() {
    TransportException e = failure("{\"1\":\"a\",\"x\":\"b\"}", type("mapByInteger"));

    assertThat(e).hasMessage("expected Integer as a map key at $.x, got \"x\"");
    assertThat(e.jsonPath()).isEqualTo("$.x");
  }

  @Test
  void decode_notBase64_saysSo() {
    assertThat(failure("\"!!!\"", byte[].class))
        .hasMessage("expected byte[] (a base64 string) at $, got a string that is not base64");
  }

  @Test
  void decode_recordConstructorRejects_givesItsMessage() {
    assertThat(failure("{\"value\":-1}", Positive.class))
        .hasMessage("invalid Positive at $: value must be positive, got -1");
  }

  @Test
  void decode_unknownTypeId_listsTheKnownOnes() {
    assertThat(failure("[{\"kind\":\"triangle\"}]", type("listOfFigure")))
        .hasMessage(
            "expected Figure at $[0], got type id \"triangle\" (known type ids: circle, rect)");
  }

  @Test
  void decode_malformedJson_givesPathLineAndColumn() {
    TransportException e = failure("{\"numbers\":[1,}", Numbers.class);

    assertThat(e).hasMessageStartingWith("malformed JSON at $.numbers[1] (line 1, column 15): ");
    assertThat(e.jsonPath()).isEqualTo("$.numbers[1]");
  }

  @Test
  void decode_duplicateKey_isMalformed() {
    assertThat(failure("{\"x\":1,\"x\":2,\"y\":3}", Point.class))
        .hasMessageStartingWith("malformed JSON at $.x")
        .hasMessageContaining("Duplicate field 'x'");
  }

  @Test
  void decode_trailingContent_isMalformed() {
    assertThat(failure("1 2", Integer.class))
        .hasMessage("malformed JSON: unexpected 2 after the end of the value (line 1, column 3)");
  }

  @Test
  void decode_emptyInput_saysEndOfInput() {
    assertThat(failure("", Integer.class)).hasMessage("expected Integer at $, got end of input");
    assertThat(failure("  ", Point.class))
        .hasMessage("expected Point (an object) at $, got end of input");
  }

  @Test
  void decode_invalidUtf8Bytes_isMalformed() {
    byte[] json = {'"', (byte) 0xC3, (byte) 0x28, '"'};

    assertThatThrownBy(() -> codec.decode(json, String.class))
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith("malformed JSON at $");
  }

  @Test
  void decode_tooDeep_isALimitNotAStackOverflow() {
    String json = "[".repeat(5_000) + "]".repeat(5_000);

    assertThat(failure(json, Object.class)).hasMessageContaining("exceeds a limit");
  }

  @Test
  void decode_transportException_hasNoJavaClassNamesForClients() {
    TransportException e = failure("{\"numbers\":[\"x\"]}", Numbers.class);

    assertThat(e.getMessage()).doesNotContain("dev.weft", "java.", "Exception");
  }

  // ---------------------------------------------------------------------- arguments

  @Test
  void decodeArgs_wrongElement_namesTheArgument() {
    TransportException e =
        catchThrowableOfType(
            TransportException.class,
            () ->
                codec.decodeArgs(
                    "[1,[1,\"x\"],null,{\"x\":1,\"y\":2}]", Samples.takesParameters()));

    assertThat(e).hasMessage("argument 1: expected Integer at $[1][1], got \"x\"");
    assertThat(e.jsonPath()).isEqualTo("$[1][1]");
  }

  @Test
  void decodeArgs_missingPropertyInArgument_namesTheArgument() {
    assertThatThrownBy(() -> codec.decodeArgs("[1,[],null,{\"x\":1}]", Samples.takesParameters()))
        .isInstanceOf(TransportException.class)
        .hasMessage("argument 3: missing property \"y\" at $[3].y (required by Point)");
  }

  @Test
  void decodeArgs_wrongCount_saysHowMany() {
    assertThatThrownBy(() -> codec.decodeArgs("[1,[]]", Samples.takesParameters()))
        .isInstanceOf(TransportException.class)
        .hasMessage("expected 4 arguments at $, got 2");
    assertThatThrownBy(
            () -> codec.decodeArgs("[1,[],null,{\"x\":1,\"y\":2},5]", Samples.takesParameters()))
        .isInstanceOf(TransportException.class)
        .hasMessage("expected 4 arguments at $, got more");
  }

  @Test
  void decodeArgs_notAnArray_saysSo() {
    assertThatThrownBy(() -> codec.decodeArgs("{\"a\":1}", Samples.takesParameters()))
        .isInstanceOf(TransportException.class)
        .hasMessage("expected a JSON array of 4 arguments at $, got an object");
  }

  @Test
  void decodeArgs_malformedInsideArgument_givesThePath() {
    assertThatThrownBy(() -> codec.decodeArgs("[1,[1,}", Samples.takesParameters()))
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith("argument 1: malformed JSON at $[1][1]");
  }

  // ------------------------------------------------- declared types that cannot be decoded

  @Test
  void decode_declaredInterface_isUsageErrorNamingTypeAndPath() {
    assertThatThrownBy(() -> codec.decode("{}", Samples.Drawing.class))
        .isInstanceOf(UsageException.class)
        .isNotInstanceOf(TransportException.class)
        .hasMessageContaining("at value.shape")
        .hasMessageContaining("dev.weft.transport.Samples.Shape is an interface or abstract class")
        .hasMessageContaining("@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)");
  }

  @Test
  void decode_declaredInterfaceInList_isUsageErrorEvenForEmptyInput() {
    assertThatThrownBy(() -> codec.decode("[]", type("listOfShape")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value[*]");
  }

  @Test
  void decode_namedSubtypeHoldingAnInterface_isUsageError() {
    assertThatThrownBy(() -> codec.decode("{}", Samples.Variant.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value.shape");
  }

  @Test
  void decode_recordKeyedMap_isUsageError() {
    assertThatThrownBy(() -> codec.decode("{}", type("mapByPoint")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("map key type dev.weft.transport.Samples.Point");
  }

  @Test
  void decodeArgs_badDeclaredType_namesTheArgument() {
    Type[] declared = {int.class, type("listOfShape")};

    assertThatThrownBy(() -> codec.decodeArgs("[1,[]]", declared))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at args[1][*]");
  }

  // --------------------------------------------------------------------------- security

  @Test
  void decode_classDeclared_isRefused_noClassIsLoaded() {
    assertThatThrownBy(() -> codec.decode("\"java.lang.Runtime\"", type("aClass")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no class names on the wire");
  }

  @Test
  void decode_classNameTypeIdsOnTheType_areRefused() {
    assertThatThrownBy(
            () -> codec.decode("{\"@class\":\"java.util.HashMap\"}", Samples.ByClassName.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("uses class names as type ids");
  }

  @Test
  void decode_classNameTypeIdsOnAProperty_areRefused() {
    assertThatThrownBy(() -> codec.decode("{\"payload\":null}", Samples.Sneaky.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value.payload")
        .hasMessageContaining("@JsonTypeInfo(use = CLASS)");
  }

  @Test
  void decode_declaredObject_neverInterpretsTypeHints() {
    Object decoded =
        codec.decode(
            "[\"java.util.concurrent.atomic.AtomicBoolean\",{\"@class\":\"java.lang.ProcessBuilder\"}]",
            Object.class);

    assertThat(decoded)
        .isEqualTo(
            List.of(
                "java.util.concurrent.atomic.AtomicBoolean",
                Map.of("@class", "java.lang.ProcessBuilder")));
  }

  @Test
  void decode_throwableDeclared_isRefused() {
    assertThatThrownBy(() -> codec.decode("{\"message\":\"x\"}", RuntimeException.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("ErrorPayload");
  }

  @Test
  void decode_bytesAndStringAgree() {
    String json = "{\"numbers\":[1,\"x\"]}";

    assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8), Numbers.class))
        .isInstanceOf(TransportException.class)
        .hasMessage("expected Integer at $.numbers[1], got \"x\"");
  }
}

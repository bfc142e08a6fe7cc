package dev.weft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link JsonCodec#decode(byte[], java.lang.reflect.Type)} reads strict UTF-8 text only. */
final class JsonCodecStrictTextTest {
  private final JsonCodec codec = JsonCodec.standard();

  private TransportException failure(byte[] json) {
    TransportException e = catchThrowableOfType(TransportException.class, () -> codec.decode(json, String.class));
    assertThat(e).as("decoding %s", new String(json, StandardCharsets.ISO_8859_1)).isNotNull();
    return e;
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void decode_invalidUtf8Byte_refusedNamingOffset() {
    assertThat(failure(bytes('"', 'a', 0xFF, '"'))).hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("FF at offset 2").hasMessageStartingWith("malformed JSON at $");
  }

  @Test
  void decode_encodedSurrogateOrOverlong_refused() {
    assertThat(failure(bytes('"', 0xED, 0xA0, 0x80, '"'))).hasMessageContaining("not valid UTF-8");
    assertThat(failure(bytes('"', 0xC0, 0xAF, '"'))).hasMessageContaining("not valid UTF-8");
  }

  @Test
  void decode_loneHighOrLowSurrogateEscape_refused() {
    assertThat(failure("\"a\\ud800b\"".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("lone surrogate \\ud800");
    assertThat(failure("\"\\udc00\"".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("lone surrogate \\udc00");
    assertThat(failure("\"\\ud800\"".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("lone surrogate");
  }

  @Test
  void decode_utf16Body_refusedAsNotUtf8() {
    assertThat(failure("\"hi\"".getBytes(StandardCharsets.UTF_16LE))).hasMessageContaining("UTF-16");
    assertThat(failure("\"hi\"".getBytes(StandardCharsets.UTF_16))).hasMessageContaining("UTF-16"); // with BOM
  }

  @Test
  void decode_nonBmpTextRawOrAsEscapedPair_readExactly() {
    String text = "\uD834\uDD1E\uD83D\uDE00 ok"; // 𝄞😀
    assertThat(codec.decode(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8), String.class)).isEqualTo(text);
    assertThat(codec.decode("\"\\ud834\\udd1e\\uD83D\\uDE00 ok\"".getBytes(StandardCharsets.UTF_8), String.class))
        .isEqualTo(text);
  }

  @Test
  void decode_escapedBackslashBeforeU_isNotAnEscape() {
    assertThat(codec.decode("\"\\\\ud800\"".getBytes(StandardCharsets.UTF_8), String.class)).isEqualTo("\\ud800");
  }

  @Test
  void decode_utf8ByteOrderMark_skipped() {
    assertThat(codec.decode(bytes(0xEF, 0xBB, 0xBF, '4', '2'), Integer.class)).isEqualTo(42);
  }
}

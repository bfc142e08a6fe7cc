package dev.weft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.UsageException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec's scalar shortcut writes exactly what its Jackson generator writes: {@code encode}
 * (which takes the shortcut) against {@code encodeToBytes} (which always uses the generator).
 */
final class JsonCodecScalarsTest {
  static final JsonCodec CODEC = JsonCodec.standard();

  private static String generated(Object value, Type declared) {
    return new String(CODEC.encodeToBytes(value, declared), StandardCharsets.UTF_8);
  }

  private static String generatedArgs(Object[] args, Type[] declared) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < args.length; i++) {
      out.append(i > 0 ? "," : "").append(generated(args[i], declared[i]));
    }
    return out.append(']').toString();
  }

  @Test
  void scalars_areWrittenByteForByteAsTheGeneratorWritesThem() {
    List<Object[]> cases = List.of(
        new Object[] {0, int.class}, new Object[] {-17, Integer.class}, new Object[] {Integer.MIN_VALUE, int.class},
        new Object[] {Integer.MAX_VALUE, Integer.class}, new Object[] {Long.MIN_VALUE, long.class},
        new Object[] {42L, Long.class}, new Object[] {true, boolean.class}, new Object[] {false, Boolean.class},
        new Object[] {"", String.class}, new Object[] {"plain text 123 ~!@#$%^&*()", String.class},
        new Object[] {"quote \" inside", String.class}, new Object[] {"back\\slash", String.class},
        new Object[] {"tab\there", String.class}, new Object[] {"é and 漢字", String.class},
        new Object[] {"x".repeat(300), String.class}, new Object[] {null, Integer.class},
        new Object[] {null, String.class}, new Object[] {null, Long.class}, new Object[] {null, Boolean.class},
        new Object[] {5, Object.class}, new Object[] {List.of(1, 2), List.class});
    for (Object[] c : cases) {
      assertThat(CODEC.encode(c[0], (Type) c[1])).as("%s as %s", c[0], c[1]).isEqualTo(generated(c[0], (Type) c[1]));
    }
    Object[] args = {1, "a", true, 7L};
    Type[] types = {int.class, String.class, Boolean.class, long.class};
    assertThat(CODEC.encodeArgs(args, types)).isEqualTo(generatedArgs(args, types));
    assertThat(CODEC.encodeArgs(new Object[0], new Type[0])).isEqualTo(generatedArgs(new Object[0], new Type[0]));
    Object[] mixed = {1, Arrays.asList(1, 2)};
    Type[] mixedTypes = {int.class, List.class};
    assertThat(CODEC.encodeArgs(mixed, mixedTypes)).isEqualTo(generatedArgs(mixed, mixedTypes));
  }

  @Test
  void valuesTheCodecRefuses_areRefusedTheSameWay() {
    assertThatThrownBy(() -> CODEC.encode(null, int.class)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> CODEC.encode("text", int.class)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> CODEC.encodeArgs(new Object[] {1}, new Type[] {int.class, int.class}))
        .isInstanceOf(UsageException.class);
  }
}

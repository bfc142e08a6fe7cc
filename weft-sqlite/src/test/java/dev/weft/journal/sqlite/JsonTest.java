package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.UsageException;
import dev.weft.transport.JsonCodec;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal's scalar shortcut writes exactly what the codec writes. */
final class JsonTest {
  static final JsonCodec CODEC = JsonCodec.standard();

  @Test
  void scalars_areWrittenByteForByteAsTheCodecWritesThem() {
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
      assertThat(Json.encode(c[0], (Type) c[1])).as("%s as %s", c[0], c[1]).isEqualTo(CODEC.encode(c[0], (Type) c[1]));
    }
    Object[] args = {1, "a", true, 7L};
    Type[] types = {int.class, String.class, Boolean.class, long.class};
    assertThat(Json.encodeArgs(args, types)).isEqualTo(CODEC.encodeArgs(args, types));
    assertThat(Json.encodeArgs(new Object[0], new Type[0])).isEqualTo(CODEC.encodeArgs(new Object[0], new Type[0]));
    Object[] mixed = {1, Arrays.asList(1, 2)};
    Type[] mixedTypes = {int.class, List.class};
    assertThat(Json.encodeArgs(mixed, mixedTypes)).isEqualTo(CODEC.encodeArgs(mixed, mixedTypes));
  }

  @Test
  void valuesTheCodecRefuses_areRefusedTheSameWay() {
    assertThatThrownBy(() -> Json.encode(null, int.class)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Json.encode("text", int.class)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Json.encodeArgs(new Object[] {1}, new Type[] {int.class, int.class}))
        .isInstanceOf(UsageException.class);
  }
}

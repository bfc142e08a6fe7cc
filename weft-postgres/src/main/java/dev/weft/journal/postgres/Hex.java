package dev.weft.journal.postgres;

import dev.weft.journal.DurableId;

/** {@link DurableId#toString()}'s form (32 lowercase hex digits) without {@code String.format}'s cost. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static String of(DurableId id) {
    char[] out = new char[32];
    put(out, 0, id.hi());
    put(out, 16, id.lo());
    return new String(out);
  }

  private static void put(char[] out, int at, long v) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = DIGITS[(int) (v & 0xF)];
      v >>>= 4;
    }
  }
}

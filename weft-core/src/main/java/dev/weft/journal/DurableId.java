package dev.weft.journal;

/**
 * The identity of a call within a request that survives restarts: derived from the call graph
 * (the parent's id, the call's position among the calls its parent made, the kind of operation
 * and the function's name), never from argument values. A checkpoint therefore survives changed
 * data, while a change in which calls happen, or in their order, gives every later call a new id.
 *
 * <p>128 bits of a strong 64-bit mix (SplitMix64's finaliser) over both halves; not
 * cryptographic, and need not be: ids are compared only within one request.
 */
public record DurableId(long hi, long lo) {

  /** The id of a request's entry call for {@code application}. */
  public static DurableId root(String application) {
    return new DurableId(mix(0x5745_4654_524f_4f54L ^ application.hashCode()),
        mix(0x524f_4f54_5745_4654L + fnv(application)));
  }

  /**
   * The id of the {@code index}-th call made by this call, of operation {@code kind}
   * (call, map, reduce, item, step) on {@code function}.
   */
  public DurableId child(long index, char kind, String function) {
    return child(index, kind, nameHash(function));
  }

  /** {@link #child(long, char, String)} with the function name's {@link #nameHash} computed once. */
  public DurableId child(long index, char kind, long functionHash) {
    long salt = functionHash * 31 + kind;
    long h = mix(hi ^ mix(index + 0x9E37_79B9_7F4A_7C15L) ^ salt);
    long l = mix(lo + mix(index ^ salt) + h);
    return new DurableId(h, l);
  }

  /** 32 lowercase hex digits. Written by hand: journals call it for every call they record. */
  @Override
  public String toString() {
    char[] out = new char[32];
    hex(out, 0, hi);
    hex(out, 16, lo);
    return new String(out);
  }

  private static void hex(char[] out, int at, long v) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX_DIGITS[(int) (v & 0xF)];
      v >>>= 4;
    }
  }

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  /** Parses {@link #toString()}'s form. */
  public static DurableId parse(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a durable id has 32 hex digits, got: " + hex);
    }
    return new DurableId(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  /** The hash of a function name that {@link #child(long, char, long)} takes. */
  public static long nameHash(String function) {
    return fnv(function);
  }

  private static long fnv(String s) {
    long h = 0xCBF2_9CE4_8422_2325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100_0000_01B3L;
    }
    return h;
  }
}

package dev.weft.transport;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads JSON bytes as strict UTF-8 text before Jackson sees them, because Jackson is lenient
 * where a journal cannot be: it guesses UTF-16 and UTF-32 from zero bytes, accepts encoded
 * surrogates and overlong forms, and turns a lone surrogate escape ({@code "\ud800"}) into a
 * string that is not text, which a journal then records as {@code "?"} so that a replay sees
 * another input. Every refusal is a {@link TransportException} saying where and what to send.
 */
final class StrictText {
  private StrictText() {}

  /**
   * The text of {@code json}, which must be UTF-8 (a leading UTF-8 byte order mark is skipped)
   * with no lone surrogate escapes.
   *
   * @throws TransportException naming the offset and the problem otherwise
   */
  static char[] decode(byte[] json) {
    int start = 0;
    if (json.length >= 3 && (json[0] & 0xff) == 0xEF && (json[1] & 0xff) == 0xBB && (json[2] & 0xff) == 0xBF) {
      start = 3;
    }
    for (int i = start; i < json.length; i++) {
      if (json[i] == 0) {
        throw new TransportException("malformed JSON at $: not UTF-8, a zero byte at offset " + i
            + " (as UTF-16 or UTF-32 text has); send it encoded as UTF-8", "$");
      }
    }
    if (json.length >= 2 && ((json[0] & 0xff) == 0xFE && (json[1] & 0xff) == 0xFF
        || (json[0] & 0xff) == 0xFF && (json[1] & 0xff) == 0xFE)) {
      throw new TransportException("malformed JSON at $: not UTF-8, it starts with a UTF-16 byte order mark; send it encoded as UTF-8", "$");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(json, start, json.length - start);
    CharBuffer out = CharBuffer.allocate(json.length - start);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int end = Math.min(json.length, at + Math.max(1, result.length()));
      StringBuilder bytes = new StringBuilder();
      for (int i = at; i < end; i++) {
        bytes.append(bytes.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%02X", json[i] & 0xff));
      }
      throw new TransportException("malformed JSON at $: not valid UTF-8, bytes " + bytes + " at offset " + at
          + " are not a UTF-8 character; send the text encoded as UTF-8", "$");
    }
    char[] text = Arrays.copyOf(out.array(), out.position());
    rejectLoneSurrogates(text);
    return text;
  }

  /**
   * Refuses a {@code \}{@code uXXXX} escape of a surrogate that is not half of a pair. Raw
   * surrogates need no check: strictly decoded UTF-8 only ever yields them in pairs.
   */
  static void rejectLoneSurrogates(char[] text) {
    boolean inString = false;
    for (int i = 0; i < text.length; i++) {
      char c = text[i];
      if (!inString) {
        inString = c == '"';
        continue;
      }
      if (c == '"') {
        inString = false;
      } else if (c == '\\' && i + 1 < text.length) {
        if (text[i + 1] != 'u') {
          i++; // a one-letter escape such as \" or \\
          continue;
        }
        int unit = hex4(text, i + 2);
        if (unit < 0) {
          i++; // not four hex digits: Jackson reports it
          continue;
        }
        if (Character.isHighSurrogate((char) unit)) {
          int next = i + 7 < text.length && text[i + 6] == '\\' && text[i + 7] == 'u' ? hex4(text, i + 8) : -1;
          boolean paired = next >= 0 && Character.isLowSurrogate((char) next);
          if (!paired) {
            throw loneSurrogate(unit, i);
          }
          i += 11; // both escapes
        } else if (Character.isLowSurrogate((char) unit)) {
          throw loneSurrogate(unit, i);
        } else {
          i += 5;
        }
      }
    }
  }

  private static TransportException loneSurrogate(int unit, int at) {
    return new TransportException(String.format(Locale.ROOT, "malformed JSON at $: a lone surrogate \\u%04x at character %d; "
        + "a \\uD800-\\uDBFF escape must be followed at once by a \\uDC00-\\uDFFF one, and that is not text a "
        + "journal can record; send the character itself, or both halves of its pair", unit, at), "$");
  }

  /** The value of four hex digits at {@code from}, or -1. */
  private static int hex4(char[] text, int from) {
    if (from + 4 > text.length) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < from + 4; i++) {
      int d = Character.digit(text[i], 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}

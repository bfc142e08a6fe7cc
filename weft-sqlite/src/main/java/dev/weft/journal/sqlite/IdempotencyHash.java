package dev.weft.journal.sqlite;

import dev.weft.IdempotencyKeyReusedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the journal keeps beside an idempotency key to tell a repeat from a reuse: the SHA-256
 * (hex) of the application's name, a NUL, and the input's JSON. A repeat has the same hash; a
 * key sent again with another application or input does not. The JSON is the journal's own
 * encoding of the input with its declared type, so equal inputs hash equally.
 */
final class IdempotencyHash {
  private IdempotencyHash() {}

  static String of(String application, String inputJson) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    sha.update(application.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(inputJson.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Throws unless the request recorded with {@code key} ({@code firstApplication}, {@code
   * firstHash}) is the one asked for now. A row written before hashes were kept ({@code
   * firstHash} null) is checked by application only, and otherwise accepted as before.
   *
   * @throws IdempotencyKeyReusedException if the application or (when known) the input differs
   */
  static void checkSame(String key, String firstApplication, String firstHash, String application, String hash) {
    if (!firstApplication.equals(application)) {
      throw IdempotencyKeyReusedException.forAnotherApplication(key, firstApplication, application);
    }
    if (firstHash != null && !firstHash.equals(hash)) {
      throw IdempotencyKeyReusedException.forAnotherInput(key, firstApplication);
    }
  }
}

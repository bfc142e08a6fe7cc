package dev.weft.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Bearer tokens: generating one, and checking a request's {@code Authorization} header. */
final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "Bearer ";

  private Tokens() {}

  /** 256 random bits, base64url without padding (43 characters). */
  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether {@code authorization} is {@code Bearer <expected>}; compares in constant time. */
  static boolean matches(Optional<String> authorization, String expected) {
    if (authorization.isEmpty()) {
      return false;
    }
    String header = authorization.get().strip();
    if (header.length() < PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] given = header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
  }
}

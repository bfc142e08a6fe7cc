package dev.weft.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.stream.BaseStream;

/**
 * Which Java types are never values on the wire, and which may be JSON object keys. Applied twice:
 * to declared types before anything is read or written, and to the runtime class of every value
 * Jackson is about to write (a declared {@code Object} or {@code List<Object>} can hold anything).
 */
final class Guards {
  private Guards() {}

  private static final String DATA =
      " Pass plain data instead: a record, or a type with public getters or Jackson annotations.";

  /** Why values of {@code type} are refused, or empty if they are fine as far as these rules go. */
  static Optional<String> refusal(Class<?> type) {
    if (type.isHidden() || (type.isSynthetic() && type.getName().contains("$$Lambda"))) {
      return Optional.of("a lambda or method reference is code, not data." + DATA);
    }
    if (Proxy.isProxyClass(type)) {
      return Optional.of("a dynamic proxy is code, not data." + DATA);
    }
    if (CompletionStage.class.isAssignableFrom(type) || Future.class.isAssignableFrom(type)) {
      return Optional.of(
          "a future or CompletionStage is not a value. Pass it as a top-level argument (the runtime"
              + " resolves it before the call), or encode the value it completes with (for an async"
              + " function, its CompletionStage<T>'s T).");
    }
    if (Throwable.class.isAssignableFrom(type)) {
      return Optional.of(
          "exceptions do not travel as values. Send ErrorPayload.of(throwable) and restore it with"
              + " ErrorPayload.toThrowable.");
    }
    if (type == Class.class
        || type == ClassLoader.class
        || ClassLoader.class.isAssignableFrom(type)
        || AccessibleObject.class.isAssignableFrom(type)
        || type == Module.class) {
      return Optional.of(
          "class and reflection objects are never written or read (no class names on the wire)."
              + " Send a name as a String and map it to a type yourself.");
    }
    if (Thread.class.isAssignableFrom(type)
        || ThreadGroup.class.isAssignableFrom(type)
        || Executor.class.isAssignableFrom(type)
        || Lock.class.isAssignableFrom(type)
        || AutoCloseable.class.isAssignableFrom(type)
        || BaseStream.class.isAssignableFrom(type)
        || InputStream.class.isAssignableFrom(type)
        || OutputStream.class.isAssignableFrom(type)
        || Reader.class.isAssignableFrom(type)
        || Writer.class.isAssignableFrom(type)) {
      return Optional.of(
          "it is a live resource (a thread, executor, lock, stream or connection), not data."
              + DATA);
    }
    return Optional.empty();
  }

  /**
   * Whether values of {@code type} can be JSON object keys that read back as the same value:
   * strings, numbers, booleans, characters, enums, UUIDs, locales and {@code java.time} values.
   * Anything else would be written with {@code toString()} and could not be read back.
   */
  static boolean isKeyType(Class<?> type) {
    return type == String.class
        || type.isPrimitive()
        || type == Integer.class
        || type == Long.class
        || type == Short.class
        || type == Byte.class
        || type == Double.class
        || type == Float.class
        || type == Boolean.class
        || type == Character.class
        || type == BigInteger.class
        || type == BigDecimal.class
        || type == UUID.class
        || type == Locale.class
        || Enum.class.isAssignableFrom(type)
        || "java.time".equals(type.getPackageName());
  }

  static final String KEY_ADVICE =
      "JSON object keys are strings: use String, a number, a boolean, a char, an enum, UUID,"
          + " Locale or a java.time type as the key, or send a List of entry records instead.";
}

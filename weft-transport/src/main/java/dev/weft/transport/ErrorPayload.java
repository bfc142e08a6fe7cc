package dev.weft.transport;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An exception as data, so that a failure can cross a process boundary (a remote worker's reply, a
 * journaled output, an HTTP error body) and come back as an exception of the same type with the
 * remote stack. Encode and decode it with {@link JsonCodec} like any record ({@code
 * codec.encode(payload, ErrorPayload.class)}); Java serialization is never involved.
 *
 * <p>{@link #of(Throwable)} captures a throwable and at most {@value #MAX_CAUSES} causes below it
 * (suppressed exceptions are left out); {@link #toThrowable(ClassLoader, String)} re-creates it.
 *
 * <p>A record: immutable and thread-safe.
 *
 * @param type the binary class name of the exception, such as {@code
 *     java.lang.IllegalStateException} or {@code com.acme.Outer$Failure}; for a {@link
 *     RemoteException}, the remote type it stands for
 * @param message the exception's message, or {@code null} if it had none
 * @param stack its stack frames, innermost first, each as {@code class.method(File.java:line)} (or
 *     {@code (Native Method)}, {@code (Unknown Source)}); never {@code null}
 * @param cause the payload of its cause, or {@code null} if it had none (or the chain was cut at
 *     {@value #MAX_CAUSES})
 */
public record ErrorPayload(String type, String message, List<String> stack, ErrorPayload cause) {

  /** How many causes below the top exception are kept; deeper ones are dropped. */
  public static final int MAX_CAUSES = 8;

  /**
   * The class name of the frame {@link #toThrowable} appends below the remote frames; its "file" is
   * the origin, so a trace reads {@code at weft.remote(worker w-3, pid 4711)}.
   */
  static final String ORIGIN_FRAME_CLASS = "weft";

  static final String ORIGIN_FRAME_METHOD = "remote";

  /**
   * Checks and copies the components.
   *
   * @throws IllegalArgumentException if {@code type} is blank
   * @throws NullPointerException if {@code type} is null, or {@code stack} holds a null
   */
  public ErrorPayload {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("type must name an exception class, got a blank string");
    }
    if (stack == null) {
      stack = List.of();
    } else {
      for (String frame : stack) {
        if (frame == null) {
          throw new NullPointerException("stack must not contain null frames");
        }
      }
      stack = List.copyOf(stack);
    }
  }

  /**
   * Captures {@code t}: its type, message, stack and up to {@value #MAX_CAUSES} causes. A {@link
   * RemoteException} is captured as the remote exception it stands for.
   *
   * @throws NullPointerException if {@code t} is null
   */
  public static ErrorPayload of(Throwable t) {
    Objects.requireNonNull(t, "t");
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = t;
        c != null && chain.size() <= MAX_CAUSES && seen.add(c);
        c = c.getCause()) {
      chain.add(c);
    }
    ErrorPayload payload = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      payload = capture(chain.get(i), payload);
    }
    return payload;
  }

  private static ErrorPayload capture(Throwable t, ErrorPayload cause) {
    List<String> frames = new ArrayList<>();
    for (StackTraceElement frame : t.getStackTrace()) {
      frames.add(format(frame));
    }
    if (t instanceof RemoteException remote) {
      return new ErrorPayload(
          remote.remoteType(), remote.remoteMessage().orElse(null), frames, cause);
    }
    return new ErrorPayload(t.getClass().getName(), t.getMessage(), frames, cause);
  }

  /**
   * Re-creates the exception on this side. If {@link #type()} names a public, concrete {@link
   * Throwable} subclass visible to {@code loader} with a public {@code (String)} constructor, the
   * result is an instance of it carrying {@link #message()}; otherwise (and for JVM errors such as
   * {@code OutOfMemoryError}, which must not pass for local ones) it is a {@link RemoteException}
   * holding the type name and message. Either way its stack trace is the remote stack followed by
   * one frame naming {@code origin} ({@code at weft.remote(worker w-3, pid 4711)}), and causes are
   * re-created the same way and chained.
   *
   * <p>The class is looked up without being initialised, and only a {@code Throwable} subclass is
   * ever instantiated (which runs its initialiser and constructor): a payload can name any class,
   * and naming a non-exception class has no effect.
   *
   * @param loader where to look the type up; {@code null} means the bootstrap loader (JDK types)
   * @param origin where the failure happened, for people reading the trace, such as {@code "worker
   *     w-3, pid 4711"}
   * @throws NullPointerException if {@code origin} is null
   */
  public Throwable toThrowable(ClassLoader loader, String origin) {
    Objects.requireNonNull(origin, "origin");
    return restore(this, loader, origin, 0);
  }

  private static Throwable restore(ErrorPayload p, ClassLoader loader, String origin, int depth) {
    Throwable cause =
        p.cause() != null && depth < MAX_CAUSES
            ? restore(p.cause(), loader, origin, depth + 1)
            : null;
    StackTraceElement[] frames = frames(p.stack(), origin);
    Throwable restored = instantiate(p.type(), p.message(), loader);
    if (restored == null) {
      restored = new RemoteException(p.type(), p.message(), origin);
    }
    if (cause != null) {
      try {
        restored.initCause(cause);
      } catch (IllegalStateException e) {
        restored.addSuppressed(cause); // its constructor fixed the cause already; keep ours too
      }
    }
    restored.setStackTrace(frames);
    if (restored.getStackTrace().length != frames.length) {
      // A throwable built with writableStackTrace=false ignores setStackTrace: carry the frames.
      RemoteException carrier = new RemoteException(p.type(), p.message(), origin);
      carrier.setStackTrace(frames);
      restored.addSuppressed(carrier);
    }
    return restored;
  }

  /** An instance of {@code type}, or null if that type may not or cannot be re-created here. */
  private static Throwable instantiate(String type, String message, ClassLoader loader) {
    Class<?> found;
    try {
      found = Class.forName(type, false, loader); // not initialised: it may not be an exception
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    if (!Throwable.class.isAssignableFrom(found)
        || VirtualMachineError.class.isAssignableFrom(found)
        || !Modifier.isPublic(found.getModifiers())
        || Modifier.isAbstract(found.getModifiers())) {
      return null;
    }
    try {
      Constructor<?> constructor = found.getConstructor(String.class);
      return (Throwable) constructor.newInstance(message);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No usable constructor, or it failed: the remote failure is still reported, as a
      // RemoteException, which is what this method promises for types it cannot re-create.
      return null;
    }
  }

  private static StackTraceElement[] frames(List<String> stack, String origin) {
    StackTraceElement[] frames = new StackTraceElement[stack.size() + 1];
    for (int i = 0; i < stack.size(); i++) {
      frames[i] = parse(stack.get(i));
    }
    frames[stack.size()] =
        new StackTraceElement(ORIGIN_FRAME_CLASS, ORIGIN_FRAME_METHOD, origin, -1);
    return frames;
  }

  /** {@code class.method(File.java:line)}, without the module and loader prefixes of toString. */
  static String format(StackTraceElement frame) {
    String where;
    if (frame.isNativeMethod()) {
      where = "Native Method";
    } else if (frame.getFileName() == null) {
      where = "Unknown Source";
    } else if (frame.getLineNumber() >= 0) {
      where = frame.getFileName() + ":" + frame.getLineNumber();
    } else {
      where = frame.getFileName();
    }
    return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
  }

  /** The inverse of {@link #format}; a string it cannot read becomes a frame showing it as is. */
  static StackTraceElement parse(String text) {
    int open = text.indexOf('(');
    int dot = open < 0 ? -1 : text.lastIndexOf('.', open);
    if (open < 0 || dot <= 0 || !text.endsWith(")")) {
      return new StackTraceElement("<remote>", text, null, -1);
    }
    String className = text.substring(0, dot);
    String method = text.substring(dot + 1, open);
    String where = text.substring(open + 1, text.length() - 1);
    if (where.equals("Native Method")) {
      return new StackTraceElement(className, method, null, -2);
    }
    if (where.equals("Unknown Source")) {
      return new StackTraceElement(className, method, null, -1);
    }
    int colon = where.lastIndexOf(':');
    if (colon > 0 && colon < where.length() - 1 && isDigits(where.substring(colon + 1))) {
      return new StackTraceElement(
          className,
          method,
          where.substring(0, colon),
          Integer.parseInt(where.substring(colon + 1)));
    }
    return new StackTraceElement(className, method, where, -1);
  }

  private static boolean isDigits(String s) {
    if (s.length() > 9) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}

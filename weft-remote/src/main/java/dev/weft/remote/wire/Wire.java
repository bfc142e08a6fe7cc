package dev.weft.remote.wire;

import dev.weft.transport.JsonCodec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * The worker protocol, in one place for both sides (docs/REMOTE.md describes it).
 *
 * <p>{@code POST /v1/calls/{callable}} with the arguments as a JSON array (declared types),
 * headers {@value #CALL_ID}, {@value #TIMEOUT} (milliseconds) and {@value #LOGS}; the reply is
 * {@code 200} with event lines: {@code log <json string>} any number of times while the call
 * runs (only when logs were asked for), {@code item <json>} lines for each item of a streamed
 * result (a method returning a {@code Stream}), {@value #PING} lines on a reply silent for a second
 * (callers skip them; a failed write tells the worker its caller is gone), then one {@code value
 * <json>} or {@code error <ErrorPayload json>}. A call id runs at most once per worker process: a request with the id of
 * a call running there waits for it, and one with the id of a call it finished lately gets the
 * kept outcome, either way as the outcome line alone. {@code DELETE /v1/calls/{callId}} cancels
 * a call; {@code GET /v1/health} and {@code POST /v1/shutdown} are what they say. Every request
 * carries {@code Authorization: Bearer <token>}.
 *
 * <p>Constants and stateless functions only, safe from any thread. Not API: may change between releases.
 */
public final class Wire {
  public static final String CALLS = "/v1/calls/";
  public static final String HEALTH = "/v1/health";
  public static final String SHUTDOWN = "/v1/shutdown";
  public static final String CALL_ID = "Weft-Call-Id";
  public static final String TIMEOUT = "Weft-Timeout-Ms";
  public static final String LOGS = "Weft-Logs";
  public static final String LOG = "log ";
  public static final String VALUE = "value ";
  public static final String ERROR = "error ";
  /** One item of a streamed result, as JSON of the stream's element type. */
  public static final String ITEM = "item ";
  /** A line a worker writes on a silent reply to learn whether its caller is still there; callers skip it. */
  public static final String PING = "ping";
  /** The environment variable a worker process reads its bearer token from. */
  public static final String TOKEN_ENV = "WEFT_WORKER_TOKEN";
  /** How both sides write and read arguments, values, outcomes and the back ends' records. */
  public static final JsonCodec CODEC = JsonCodec.standard();

  private Wire() {}

  /** The path of a call to {@code callable} (or, for {@code DELETE}, of the call with that id). */
  public static String path(String callable) {
    return CALLS + URLEncoder.encode(callable, StandardCharsets.UTF_8);
  }

  /** What {@link #path} encoded, from the part of the path after {@link #CALLS}. */
  public static String callable(String pathTail) {
    return URLDecoder.decode(pathTail, StandardCharsets.UTF_8);
  }

  /** The declared type of what a method's calls produce: its return type, or what a returned stage completes with. */
  public static Type outputType(java.lang.reflect.Method method) {
    Type t = method.getGenericReturnType();
    if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
      return t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
    return t;
  }

  /**
   * The element type of a method whose calls stream their result (it returns a {@link Stream}),
   * or empty for one that returns a whole value.
   */
  public static Optional<Type> streamedItems(java.lang.reflect.Method method) {
    if (!Stream.class.isAssignableFrom(method.getReturnType())) {
      return Optional.empty();
    }
    Type t = method.getGenericReturnType();
    return Optional.of(t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class);
  }

  /** Whether a call of that declared output type has no value (its outcome line carries {@code null}). */
  public static boolean isVoid(Type t) {
    return t == void.class || t == Void.class;
  }

  /** The primitive class of a keyword such as {@code int} (as a {@code ServiceSpec} names it), or null for any other name. */
  public static Class<?> primitive(String name) {
    return switch (name) {
      case "int" -> int.class;
      case "long" -> long.class;
      case "double" -> double.class;
      case "boolean" -> boolean.class;
      case "float" -> float.class;
      case "short" -> short.class;
      case "byte" -> byte.class;
      case "char" -> char.class;
      default -> null;
    };
  }
}

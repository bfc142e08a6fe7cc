package dev.weft.engine;

import dev.weft.UsageException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Checks on values that cross a call boundary: a future may be a top-level argument, a
 * map/reduce item or a returned tail call, and nowhere else, because Weft resolves futures only
 * there (as Tensorlake does). A future found anywhere else is a {@link UsageException} that says
 * how to pass it instead.
 */
final class Inputs {
  private static final int MAX_DEPTH = 8;

  private Inputs() {}

  /** Rejects a future nested inside argument {@code index} of a call of {@code function}. */
  static void rejectNestedInArgument(Object arg, String function, int index) {
    String path = findFuture(arg, "", 0);
    if (path != null) {
      throw new UsageException(function + ": argument " + (index + 1) + " holds a future inside "
          + describe(arg) + " (at " + path + "). Weft resolves a future only when it is a whole argument, "
          + "a map/reduce item or a returned tail call: pass it as its own argument, pass its result() "
          + "instead, or give the collection to map/reduce.");
    }
  }

  /** Rejects a future nested inside the value {@code function} returned. */
  static void rejectNestedInResult(Object value, String function) {
    String path = findFuture(value, "", 0);
    if (path != null) {
      throw new UsageException(function + " returned " + describe(value) + " holding a future (at " + path
          + "). A function may return a future only as the whole result (a tail call): return the "
          + "future itself, or the values of its result(), or build the collection with map.");
    }
  }

  /**
   * Rejects an argument whose type does not fit the parameter; {@code item} is its position in
   * a map, or -1 for a plain call's argument {@code index}.
   */
  static void checkType(Object value, Class<?> type, String function, int index, int item) {
    if (value != null && !type.isInstance(value)) {
      String what = item >= 0 ? "map item " + item : "argument " + (index + 1);
      throw new UsageException(function + ": " + what + " must be a " + type.getSimpleName()
          + ", got a " + value.getClass().getSimpleName() + " (" + abbreviate(value) + ")");
    }
  }

  private static String findFuture(Object v, String path, int depth) {
    if (v == null || v instanceof Number || v instanceof String || depth > MAX_DEPTH
        || v instanceof CharSequence || v instanceof Boolean || v instanceof Enum<?>) {
      return null;
    }
    if (depth > 0 && v instanceof CompletionStage<?>) {
      return path.isEmpty() ? "top" : path;
    }
    if (v instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        String p = findFuture(e, path + "[" + i + "]", depth + 1);
        if (p != null) {
          return p;
        }
        i++;
      }
    } else if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String p = findFuture(e.getKey(), path + "{key " + abbreviate(e.getKey()) + "}", depth + 1);
        if (p == null) {
          p = findFuture(e.getValue(), path + "[" + abbreviate(e.getKey()) + "]", depth + 1);
        }
        if (p != null) {
          return p;
        }
      }
    } else if (v instanceof Object[] a) {
      for (int i = 0; i < a.length; i++) {
        String p = findFuture(a[i], path + "[" + i + "]", depth + 1);
        if (p != null) {
          return p;
        }
      }
    } else if (v instanceof Optional<?> o) {
      return o.isPresent() ? findFuture(o.get(), path + ".get()", depth + 1) : null;
    } else if (v instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object field;
        try {
          c.getAccessor().setAccessible(true);
          field = c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
          continue; // an inaccessible component cannot be checked; serialization will see it later
        }
        String p = findFuture(field, path + "." + c.getName(), depth + 1);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  private static String describe(Object v) {
    if (v instanceof java.util.List<?>) {
      return "a List";
    }
    if (v instanceof java.util.Set<?>) {
      return "a Set";
    }
    if (v instanceof Map<?, ?>) {
      return "a Map";
    }
    return "a " + (v instanceof Record ? "record " : "") + v.getClass().getSimpleName();
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}

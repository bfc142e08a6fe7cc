package dev.weft.engine;

import dev.weft.UsageException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks on values that cross a call boundary: a future may be a top-level argument, a
 * map/reduce item or a returned tail call, and nowhere else, because Weft resolves futures only
 * there (as Tensorlake does). A future found anywhere else is a {@link UsageException} that says
 * how to pass it instead.
 */
final class Inputs {
  private Inputs() {}

  /** Rejects a future nested inside argument {@code index} of a call of {@code function}. */
  static void rejectNestedInArgument(Object arg, String function, int index) {
    String path = findFuture(arg);
    if (path != null) {
      throw new UsageException(function + ": argument " + (index + 1) + " holds a future inside "
          + describe(arg) + " (at " + path + "). Weft resolves a future only when it is a whole argument, "
          + "a map/reduce item or a returned tail call: pass it as its own argument, pass its result() "
          + "instead, or give the collection to map/reduce.");
    }
  }

  /** Rejects a future nested inside the value {@code function} returned. */
  static void rejectNestedInResult(Object value, String function) {
    String path = findFuture(value);
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

  /**
   * The path of the first future nested inside {@code top} (a future that is {@code top} itself
   * is allowed), or null. Walks any depth with its own stack, and visits each container once
   * (by identity), so a deep nesting cannot overflow the thread's stack and a cycle (a list
   * holding itself, a record graph through a mutable list) ends.
   */
  private static String findFuture(Object top) {
    if (isLeaf(top) || top instanceof AbstractFuture<?> || top instanceof CompletableFuture<?>) {
      return null; // the common cases (plain values, a whole future) allocate nothing
    }
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Step> todo = new ArrayDeque<>();
    todo.push(new Step(top, null, null));
    while (!todo.isEmpty()) {
      Step step = todo.pop();
      Object v = step.value;
      if (isLeaf(v)) {
        continue;
      }
      if (step.parent != null && v instanceof CompletionStage<?>) {
        return step.path();
      }
      if (!seen.add(v)) {
        continue;
      }
      // Children are pushed in reverse so that the first one found is the first in order.
      List<Step> children = new ArrayList<>();
      if (v instanceof Collection<?> c) {
        int i = 0;
        for (Object e : c) {
          add(children, e, step, i++);
        }
      } else if (v instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          add(children, e.getKey(), step, new MapKey(e.getKey()));
          add(children, e.getValue(), step, new MapValue(e.getKey()));
        }
      } else if (v instanceof Object[] a) {
        for (int i = 0; i < a.length; i++) {
          add(children, a[i], step, i);
        }
      } else if (v instanceof Optional<?> o) {
        o.ifPresent(x -> add(children, x, step, ".get()"));
      } else if (v instanceof Record r) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
          try {
            c.getAccessor().setAccessible(true);
            add(children, c.getAccessor().invoke(r), step, "." + c.getName());
          } catch (ReflectiveOperationException | RuntimeException e) {
            // an inaccessible component cannot be checked; serialization will see it later
          }
        }
      }
      for (int i = children.size() - 1; i >= 0; i--) {
        todo.push(children.get(i));
      }
    }
    return null;
  }

  /** Adds a step unless its value is a plain value (most items of a large list are). */
  private static void add(List<Step> children, Object value, Step parent, Object segment) {
    if (!isLeaf(value)) {
      children.add(new Step(value, parent, segment));
    }
  }

  private static boolean isLeaf(Object v) {
    return v == null || v instanceof Number || v instanceof CharSequence || v instanceof Boolean
        || v instanceof Enum<?> || v instanceof Character;
  }

  /** A map entry's key, as a path segment. */
  private record MapKey(Object key) {}

  /** A map entry's value, as a path segment. */
  private record MapValue(Object key) {}

  /**
   * One value to look at, and how it was reached: {@code segment} is an index (Integer), a
   * {@link MapKey}, a {@link MapValue} or a text like {@code ".field"}. The path text is built
   * only for the future found.
   */
  private record Step(Object value, Step parent, Object segment) {
    String path() {
      ArrayDeque<String> parts = new ArrayDeque<>();
      for (Step s = this; s.parent != null; s = s.parent) {
        parts.push(switch (s.segment) {
          case Integer i -> "[" + i + "]";
          case MapKey k -> "{key " + label(k.key()) + "}";
          case MapValue m -> "[" + label(m.key()) + "]";
          default -> String.valueOf(s.segment);
        });
      }
      return parts.isEmpty() ? "top" : String.join("", parts);
    }
  }

  /** A map key as text; a key that is not a plain value shows its type (its toString may never end). */
  private static String label(Object key) {
    return isLeaf(key) ? abbreviate(key) : key.getClass().getSimpleName();
  }

  private static String describe(Object v) {
    if (v instanceof List<?>) {
      return "a List";
    }
    if (v instanceof Set<?>) {
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

package dev.weft.remote.wire;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which methods of a class deployed with {@code Remote.cls} remote callers may call: the public
 * instance methods the class itself declares or inherits from its superclasses, and nothing
 * else. Never {@link Object}'s methods (even overridden), never a no-argument {@code close()}
 * ({@link AutoCloseable#close()}, {@link java.io.Closeable#close()}) or a method annotated
 * {@code @PostConstruct} or {@code @PreDestroy} (any package): those are the instance's
 * lifecycle, which belongs to its worker, not to callers. An interface's default method is
 * callable only if the class overrides it. Both sides use this one rule: the worker builds its
 * table from it, and a proxy refuses a method outside it before sending anything.
 *
 * <p>Stateless, safe from any thread. Not API: may change between releases.
 */
public final class ServiceMethods {
  private static final List<String> LIFECYCLE_ANNOTATIONS = List.of("PostConstruct", "PreDestroy");

  private ServiceMethods() {}

  /**
   * The callable methods of {@code type}, most derived first. Same-name methods must differ in
   * parameter count, since that is all JSON arguments show.
   *
   * @throws IllegalStateException if two callable methods share a name and a parameter count
   */
  public static List<Method> of(Class<?> type) {
    Map<String, Method> bySignature = new LinkedHashMap<>();
    Map<String, Method> byKey = new LinkedHashMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (!callable(m)) {
          continue;
        }
        String signature = m.getName() + Arrays.toString(m.getParameterTypes());
        if (bySignature.putIfAbsent(signature, m) != null) {
          continue; // overridden by a subclass, which was seen first
        }
        String key = m.getName() + "/" + m.getParameterCount();
        if (byKey.putIfAbsent(key, m) != null) {
          throw new IllegalStateException(type.getName() + " has two public methods " + m.getName() + " with "
              + m.getParameterCount() + " parameters; a remote call tells them apart by name and parameter count only,"
              + " so rename one");
        }
      }
    }
    return List.copyOf(byKey.values());
  }

  /** The names of {@code type}'s callable methods, sorted, for messages. */
  public static TreeSet<String> names(Class<?> type) {
    TreeSet<String> out = new TreeSet<>();
    for (Method m : of(type)) {
      out.add(m.getName());
    }
    return out;
  }

  private static boolean callable(Method m) {
    int mod = m.getModifiers();
    return Modifier.isPublic(mod) && !Modifier.isStatic(mod) && !m.isBridge() && !m.isSynthetic()
        && !isObjectMethod(m) && !isLifecycle(m);
  }

  private static boolean isObjectMethod(Method m) {
    try {
      Object.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static boolean isLifecycle(Method m) {
    if (m.getName().equals("close") && m.getParameterCount() == 0) {
      return true;
    }
    for (Annotation a : m.getAnnotations()) {
      if (LIFECYCLE_ANNOTATIONS.contains(a.annotationType().getSimpleName())) {
        return true;
      }
    }
    return false;
  }
}

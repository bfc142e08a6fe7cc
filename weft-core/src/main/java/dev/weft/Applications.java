package dev.weft;

import dev.weft.engine.Handles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The applications a server or worker hosts, found by name. Made from classes ({@link #of}):
 * every static method annotated {@link Application} (and {@link Function}) with exactly one
 * parameter is an application; or from instances ({@link #ofInstances}), whose instance methods
 * so annotated are applications too. Immutable and thread-safe.
 */
public final class Applications {
  private final Map<String, Entry> byName;

  private Applications(Map<String, Entry> byName) {
    this.byName = byName;
  }

  /**
   * The applications declared in {@code classes}.
   *
   * @throws UsageException if two applications share a name, or one is malformed (not static,
   *     not one parameter, bad options)
   */
  public static Applications of(Collection<Class<?>> classes) {
    Map<String, Entry> found = new LinkedHashMap<>();
    for (Class<?> type : classes) {
      for (Method m : type.getDeclaredMethods()) {
        if (!m.isAnnotationPresent(Application.class)) {
          continue;
        }
        if (!Modifier.isStatic(m.getModifiers())) {
          throw new UsageException(type.getSimpleName() + "." + m.getName() + " is an @Application but not static; "
              + "make it static so a server can call it");
        }
        add(found, m, Handles.ofMethod(m));
      }
    }
    return new Applications(found);
  }

  /**
   * The applications of these objects: every method annotated {@link Application} (and {@link
   * Function}) with exactly one parameter, declared in the object's class or a superclass, static
   * or not. An instance method runs on its object, through the object's own class: on a subclass
   * proxy (as dependency-injection frameworks make for transactions) the proxy's override runs,
   * with its interception. A method overridden by another annotated one counts once, as the most
   * derived. Use it for objects a framework makes and manages, such as Spring beans; the objects
   * must be thread-safe, since requests call them concurrently.
   *
   * @throws UsageException if two applications share a name, or one is malformed (not one
   *     parameter, bad options)
   */
  public static Applications ofInstances(Collection<?> instances) {
    Map<String, Entry> found = new LinkedHashMap<>();
    for (Object instance : instances) {
      Set<String> seen = new HashSet<>();
      for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
        for (Method m : type.getDeclaredMethods()) {
          if (!m.isAnnotationPresent(Application.class) || m.isBridge() || m.isSynthetic()
              || !seen.add(m.getName() + Arrays.toString(m.getParameterTypes()))) {
            continue;
          }
          add(found, m, Modifier.isStatic(m.getModifiers()) ? Handles.ofMethod(m) : Handles.ofMethod(m, instance));
        }
      }
    }
    return new Applications(found);
  }

  private static void add(Map<String, Entry> found, Method m, Fn1<Object, Object> handle) {
    String description = m.getAnnotation(Application.class).description();
    Type input = m.getGenericParameterTypes()[0];
    Entry previous = found.put(handle.name(), new Entry(handle.name(), description, handle, input, outputType(m)));
    if (previous != null) {
      throw new UsageException("two applications are named " + handle.name() + "; give one another name with @Function(name = ...)");
    }
  }

  /** {@link #of(Collection)} of these classes. */
  public static Applications of(Class<?>... classes) {
    return of(List.of(classes));
  }

  /** The application named {@code name}. */
  public Optional<Entry> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** All of them, in declaration order. */
  public List<Entry> all() {
    return new ArrayList<>(byName.values());
  }

  private static Type outputType(Method m) {
    Type t = m.getGenericReturnType();
    if (java.util.concurrent.CompletionStage.class.isAssignableFrom(m.getReturnType())) {
      return t instanceof java.lang.reflect.ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
    return t;
  }

  /**
   * One hosted application.
   *
   * @param name its name
   * @param description its {@link Application#description()}
   * @param handle a handle to run it with ({@link WeftRuntime#submit})
   * @param inputType its declared input type (for decoding requests)
   * @param outputType the declared type of its value (for encoding outputs)
   */
  public record Entry(String name, String description, Fn1<Object, Object> handle, Type inputType, Type outputType) {}
}

package dev.weft;

import dev.weft.engine.Handles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The applications a server or worker hosts, found by name. Made from classes: every static
 * method annotated {@link Application} (and {@link Function}) with exactly one parameter is an
 * application. Immutable and thread-safe.
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
        Fn1<Object, Object> handle = Handles.ofMethod(m);
        String description = m.getAnnotation(Application.class).description();
        Type input = m.getGenericParameterTypes()[0];
        Entry previous = found.put(handle.name(), new Entry(handle.name(), description, handle, input, outputType(m)));
        if (previous != null) {
          throw new UsageException("two applications are named " + handle.name() + "; give one another name with @Function(name = ...)");
        }
      }
    }
    return new Applications(found);
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

package dev.weft.transport;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedClassResolver;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a declared type before any value of it is written or read: every type reachable from it
 * (elements, map keys and values, record components, bean properties) must be readable from JSON
 * using the declared type alone. Checking on write as well as on read means a value is never
 * journaled that could not be replayed.
 *
 * <p>A walk is single-threaded and throwaway; {@link JsonCodec} caches its outcome per type.
 */
final class DeclaredTypes {
  /** Deeper than any sane declared type; past it the walk stops checking rather than looping. */
  private static final int MAX_DEPTH = 64;

  /** What is wrong, and where below the root (".owner", "[*]", "" for the root itself). */
  record Problem(String path, String message) {}

  private final DefaultDeserializationContext ctxt;
  private final DeserializationConfig config;
  private final Set<JavaType> onStack = new HashSet<>();
  private final Set<JavaType> fine = new HashSet<>();

  private DeclaredTypes(ObjectMapper mapper) {
    this.config = mapper.getDeserializationConfig();
    this.ctxt =
        ((DefaultDeserializationContext) mapper.getDeserializationContext())
            .createDummyInstance(config);
  }

  /** The first problem found with {@code type}, or empty if it can travel. */
  static Optional<Problem> check(ObjectMapper mapper, JavaType type) {
    return new DeclaredTypes(mapper).visit(type, "", 0);
  }

  private Optional<Problem> visit(JavaType type, String path, int depth) {
    return visit(type, path, depth, false);
  }

  /**
   * @param asSubtype whether {@code type} is a named subtype of a polymorphic base: its type id is
   *     already handled there, so only its own shape is checked
   */
  private Optional<Problem> visit(JavaType type, String path, int depth, boolean asSubtype) {
    if (depth > MAX_DEPTH || fine.contains(type) || !onStack.add(type)) {
      return Optional.empty(); // a recursive type (a record holding its own kind) is fine
    }
    try {
      Optional<Problem> problem =
          asSubtype ? inspectShape(type, path, depth) : inspect(type, path, depth);
      if (problem.isEmpty()) {
        fine.add(type);
      }
      return problem;
    } finally {
      onStack.remove(type);
    }
  }

  private Optional<Problem> inspect(JavaType type, String path, int depth) {
    Class<?> raw = type.getRawClass();
    if (raw.isPrimitive() || raw == Object.class || raw == Void.class) {
      return Optional.empty(); // Object reads as plain JSON values (Map, List, String, ...)
    }
    Optional<String> refusal = Guards.refusal(raw);
    if (refusal.isPresent()) {
      return problem(path, TypeText.qualified(type) + ": " + refusal.get());
    }
    if (type.isReferenceType()) {
      return visit(type.getReferencedType(), path, depth + 1); // Optional<T> is T or null
    }
    if (type.isMapLikeType()) {
      Class<?> key = type.getKeyType().getRawClass();
      if (key != Object.class && !Guards.isKeyType(key)) {
        return problem(
            path,
            "map key type "
                + TypeText.qualified(type.getKeyType())
                + " cannot be read back from a JSON object key. "
                + Guards.KEY_ADVICE);
      }
    }
    if (type.isContainerType()) {
      Optional<Problem> inner = visit(type.getContentType(), path + "[*]", depth + 1);
      if (inner.isPresent()) {
        return inner;
      }
    }
    TypeDeserializer typed;
    try {
      typed = ctxt.getFactory().findTypeDeserializer(config, type);
    } catch (DatabindException e) {
      return problem(path, unreadable(type, e));
    }
    if (typed != null) {
      JsonTypeInfo.Id id = typed.getTypeIdResolver().getMechanism();
      if (usesClassNames(typed)) {
        return problem(
            path,
            TypeText.qualified(type)
                + " uses class names as type ids (@JsonTypeInfo(use = "
                + id
                + ")), and Weft reads no class names from the wire. Use @JsonTypeInfo(use ="
                + " JsonTypeInfo.Id.NAME) with @JsonSubTypes.");
      }
      return visitSubtypes(type, path, depth); // polymorphic by logical names it declares
    }
    return inspectShape(type, path, depth);
  }

  /** What Jackson would read {@code type} with, ignoring any type id. */
  private Optional<Problem> inspectShape(JavaType type, String path, int depth) {
    Class<?> raw = type.getRawClass();
    JsonDeserializer<Object> deserializer;
    try {
      deserializer = ctxt.findNonContextualValueDeserializer(type);
    } catch (DatabindException e) {
      // Jackson reports a nested property's fault at the outer type; look for it ourselves.
      Optional<Problem> inner = visitIntrospected(type, path, depth);
      return inner.isPresent() ? inner : problem(path, unreadable(type, e));
    }
    if (deserializer instanceof AbstractDeserializer) {
      return problem(
          path,
          TypeText.qualified(type)
              + " is an interface or abstract class, and decoding is driven by the declared type"
              + " alone (no class names are read from the wire). Declare a record or a concrete"
              + " class, or annotate the type with @JsonTypeInfo(use = JsonTypeInfo.Id.NAME) and"
              + " @JsonSubTypes.");
    }
    if (deserializer instanceof BeanDeserializerBase bean) {
      if (isJdk(raw)) {
        return problem(
            path,
            TypeText.qualified(type)
                + " is a JDK class with no JSON form. Use a record holding the data you need.");
      }
      if (!bean.getValueInstantiator().canInstantiate()) {
        return problem(
            path,
            TypeText.qualified(type)
                + " cannot be constructed from JSON. Make it a record, or give it a public"
                + " no-argument constructor and setters, or a @JsonCreator constructor.");
      }
      return visitProperties(bean, path, depth);
    }
    return Optional.empty();
  }

  private Optional<Problem> visitSubtypes(JavaType base, String path, int depth) {
    AnnotatedClass annotated =
        AnnotatedClassResolver.resolveWithoutSuperTypes(config, base.getRawClass());
    for (NamedType subtype :
        config.getSubtypeResolver().collectAndResolveSubtypesByTypeId(config, annotated)) {
      Class<?> raw = subtype.getType();
      if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
        continue;
      }
      Optional<Problem> inner = visit(config.constructType(raw), path, depth + 1, true);
      if (inner.isPresent()) {
        return inner;
      }
    }
    return Optional.empty();
  }

  private Optional<Problem> visitProperties(BeanDeserializerBase bean, String path, int depth) {
    Set<String> seen = new HashSet<>();
    for (Iterator<SettableBeanProperty> it : iterators(bean)) {
      while (it.hasNext()) {
        SettableBeanProperty property = it.next();
        if (seen.add(property.getName())) {
          TypeDeserializer typed = property.getValueTypeDeserializer();
          if (typed != null && usesClassNames(typed)) {
            return problem(
                path + "." + property.getName(),
                "the property is annotated @JsonTypeInfo(use = "
                    + typed.getTypeIdResolver().getMechanism()
                    + "), and Weft reads no class names from the wire. Use @JsonTypeInfo(use ="
                    + " JsonTypeInfo.Id.NAME) with @JsonSubTypes.");
          }
          Optional<Problem> inner =
              visit(property.getType(), path + "." + property.getName(), depth + 1);
          if (inner.isPresent()) {
            return inner;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Iterable<Iterator<SettableBeanProperty>> iterators(BeanDeserializerBase bean) {
    return java.util.List.of(bean.creatorProperties(), bean.properties());
  }

  private Optional<Problem> visitIntrospected(JavaType type, String path, int depth) {
    for (BeanPropertyDefinition property : config.introspect(type).findProperties()) {
      if (property.couldDeserialize()) {
        Optional<Problem> inner =
            visit(property.getPrimaryType(), path + "." + property.getName(), depth + 1);
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean usesClassNames(TypeDeserializer typed) {
    JsonTypeInfo.Id id = typed.getTypeIdResolver().getMechanism();
    return id == JsonTypeInfo.Id.CLASS || id == JsonTypeInfo.Id.MINIMAL_CLASS;
  }

  private static String unreadable(JavaType type, DatabindException e) {
    return TypeText.qualified(type) + " cannot be read from JSON: " + e.getOriginalMessage();
  }

  private static boolean isJdk(Class<?> raw) {
    String name = raw.getName();
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  private static Optional<Problem> problem(String path, String message) {
    return Optional.of(new Problem(path, message));
  }
}

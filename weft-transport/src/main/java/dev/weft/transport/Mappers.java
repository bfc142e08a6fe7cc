package dev.weft.transport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.introspect.AccessorNamingStrategy;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.DefaultAccessorNamingStrategy;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Builds the one Jackson configuration Weft's wire format is defined by. Every setting here is a
 * rule of the format (see docs/TRANSPORT.md); changing one changes what is on disk in journals.
 */
final class Mappers {
  private Mappers() {}

  static JsonMapper wireMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            // {"a":1,"a":2} is an error, not "last one wins": two readers must never disagree.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    return JsonMapper.builder(factory)
        // The introspector first: modules registered after it add theirs around it.
        .annotationIntrospector(new WireIntrospector())
        .accessorNaming(new RecordComponentsOnly())
        .addModule(new Jdk8Module())
        .addModule(new JavaTimeModule())
        .addModule(new ParameterNamesModule())
        .addModule(new GuardModule())
        // No default typing is ever activated; this also denies class-name ids that a type's own
        // @JsonTypeInfo(use = CLASS) would otherwise read from the wire.
        .polymorphicTypeValidator(new NoClassNames())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        // Trailing content is checked by JsonCodec itself: arguments are read one by one.
        .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        // "1" is not 1 and 1 is not "1": the declared type decides, the input does not.
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfigDefaults(
            c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .build();
  }

  /**
   * Three rules on top of Jackson's annotations. A record's components are required unless they are
   * {@code Optional} (an absent component is an error, not a silent {@code null}). A property whose
   * declared type is concrete is written as that type, not as the runtime subclass, so what is
   * written is exactly what the declared type reads back.
   */
  static final class WireIntrospector extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasRequiredMarker(AnnotatedMember m) {
      JsonProperty explicit = _findAnnotation(m, JsonProperty.class);
      if (explicit != null && explicit.required()) {
        return Boolean.TRUE;
      }
      if (m instanceof AnnotatedParameter p
          && p.getDeclaringClass().isRecord()
          && !isOptional(p.getRawType())) {
        return Boolean.TRUE;
      }
      return super.hasRequiredMarker(m);
    }

    @Override
    public JsonSerialize.Typing findSerializationTyping(Annotated a) {
      JsonSerialize.Typing typing = super.findSerializationTyping(a);
      if (typing != null && typing != JsonSerialize.Typing.DEFAULT_TYPING) {
        return typing;
      }
      if (a instanceof AnnotatedMember && isStaticallyWritten(a.getRawType())) {
        return JsonSerialize.Typing.STATIC;
      }
      return typing;
    }

    private static boolean isOptional(Class<?> type) {
      return type == Optional.class
          || type == OptionalInt.class
          || type == OptionalLong.class
          || type == OptionalDouble.class;
    }

    /**
     * Containers (whose element types then decide) and concrete classes other than Object. An
     * abstract declared type stays dynamic so that {@code @JsonTypeInfo} subtypes keep working.
     */
    private static boolean isStaticallyWritten(Class<?> type) {
      if (type == Object.class) {
        return false;
      }
      if (type.isPrimitive() || type.isArray() || isOptional(type)) {
        return true;
      }
      if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
        return true;
      }
      return !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
    }
  }

  /**
   * A record's properties are its components and nothing else: a helper such as {@code getTotal()}
   * on a record is not written (it could not be read back).
   */
  static final class RecordComponentsOnly extends DefaultAccessorNamingStrategy.Provider {
    private static final long serialVersionUID = 1L;

    @Override
    public AccessorNamingStrategy forRecord(MapperConfig<?> config, AnnotatedClass forClass) {
      return new DefaultAccessorNamingStrategy.RecordNaming(config, forClass) {
        @Override
        public String findNameForRegularGetter(AnnotatedMethod am, String name) {
          return _fieldNames.contains(name) ? name : null;
        }

        @Override
        public String findNameForIsGetter(AnnotatedMethod am, String name) {
          return null;
        }
      };
    }
  }

  /** Denies every class-name type id; logical names declared with @JsonSubTypes still work. */
  static final class NoClassNames extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateSubClassName(
        MapperConfig<?> config, JavaType baseType, String subClassName) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
      return Validity.DENIED;
    }
  }

  /** Refuses, with a reason, values and map keys that {@link Guards} rules out. */
  static final class GuardModule extends com.fasterxml.jackson.databind.Module {
    @Override
    public String getModuleName() {
      return "weft-guards";
    }

    @Override
    public Version version() {
      return Version.unknownVersion();
    }

    @Override
    public void setupModule(SetupContext context) {
      context.addSerializers(
          new Serializers.Base() {
            @Override
            public JsonSerializer<?> findSerializer(
                SerializationConfig config, JavaType type, BeanDescription beanDesc) {
              return Guards.refusal(type.getRawClass())
                  .map(reason -> new Refusing(type, reason))
                  .orElse(null);
            }
          });
      context.addKeySerializers(
          new Serializers.Base() {
            @Override
            public JsonSerializer<?> findSerializer(
                SerializationConfig config, JavaType type, BeanDescription beanDesc) {
              Class<?> raw = type.getRawClass();
              if (raw == Object.class || Guards.isKeyType(raw)) {
                return null;
              }
              return new Refusing(type, "it cannot be a JSON object key. " + Guards.KEY_ADVICE);
            }
          });
    }
  }

  /** Writes nothing; fails with the reason, naming the refused type. */
  static final class Refusing extends StdSerializer<Object> {
    private static final long serialVersionUID = 1L;
    private final JavaType type;
    private final String reason;

    Refusing(JavaType type, String reason) {
      super(Object.class);
      this.type = type;
      this.reason = reason;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      JavaType actual = value == null ? type : provider.constructType(value.getClass());
      throw new RefusedValueException(gen, reason, actual);
    }
  }

  /** A value of a refused type was about to be written; the message is the reason. */
  static final class RefusedValueException extends InvalidDefinitionException {
    private static final long serialVersionUID = 1L;

    RefusedValueException(JsonGenerator gen, String reason, JavaType type) {
      super(gen, reason, type);
    }
  }
}

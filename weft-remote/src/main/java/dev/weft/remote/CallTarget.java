package dev.weft.remote;

import dev.weft.engine.FunctionInfo;
import dev.weft.remote.wire.Wire;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;

/**
 * How the caller side calls one callable: its name on the worker, the declared types its
 * arguments and value travel as, its retry policy and default timeout, and where to look up
 * exception types that come back. Immutable.
 *
 * @param callable the name the worker knows it by
 * @param display how messages name it ({@code Numbers.twice}, {@code Trainer.train})
 * @param params declared parameter types
 * @param output declared type of the value
 * @param policy the {@code @Function} options, when the method has them (retries and backoff)
 * @param timeout the default per-call timeout
 * @param loader where exception classes named by the worker are looked up
 * @param items the element type of a streamed result (the method returns a {@code Stream}), else empty
 */
record CallTarget(String callable, String display, Type[] params, Type output, Optional<FunctionInfo> policy,
    Duration timeout, ClassLoader loader, Optional<Type> items) {

  static CallTarget function(FunctionInfo info) {
    Method m = info.method();
    return new CallTarget(info.name(), info.name(), m.getGenericParameterTypes(), info.outputType(), Optional.of(info),
        info.timeout().orElse(FunctionInfo.defaultTimeout()), m.getDeclaringClass().getClassLoader(), Wire.streamedItems(m));
  }

  /** A class service's method; its {@code @Function} options apply if it has the annotation. */
  static CallTarget method(Method m) {
    Optional<FunctionInfo> info = m.isAnnotationPresent(dev.weft.Function.class)
        ? Optional.of(FunctionInfo.of(m)) : Optional.empty();
    return new CallTarget(m.getName(), m.getDeclaringClass().getSimpleName() + "." + m.getName(),
        m.getGenericParameterTypes(), Wire.outputType(m), info,
        info.flatMap(FunctionInfo::timeout).orElse(FunctionInfo.defaultTimeout()), m.getDeclaringClass().getClassLoader(),
        Wire.streamedItems(m));
  }

  int retries() {
    return policy.map(FunctionInfo::retries).orElse(0);
  }

  Duration retryDelay(int attempt) {
    return policy.map(p -> p.retryDelay(attempt)).orElse(Duration.ofMillis(100));
  }
}

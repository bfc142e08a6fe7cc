package dev.weft.remote;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a service runs, as a back end hands it to a worker: a static function, or a class built
 * once with its constructor arguments and then called by method name. Written by the deploying
 * process (never read from a caller's request), so the class it names is trusted to load; calls
 * then name only what it deployed. A record: immutable and thread-safe.
 *
 * @param name the service name ({@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, at most 63 characters,
 *     as a DNS label, so the same name works on a cluster)
 * @param kind whether it serves one function or a class's public methods
 * @param className the binary name of the declaring class
 * @param member the method name for a function; {@code <init>} for a class
 * @param parameterTypes binary names of the method's (or the chosen constructor's) parameter
 *     types, primitives by keyword ({@code int}), to pick the overload
 * @param callable for a function, the name calls use (its {@code @Function} name); for a class, empty
 * @param initArgs the constructor arguments as a JSON array written with the constructor's
 *     declared types; {@code []} for a function
 */
public record ServiceSpec(
    String name, Kind kind, String className, String member, List<String> parameterTypes, String callable,
    String initArgs) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** What a service serves. */
  public enum Kind {
    FUNCTION,
    CLASS
  }

  /** @throws IllegalArgumentException if the name is not a valid service name */
  public ServiceSpec {
    checkName(name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(member, "member");
    parameterTypes = List.copyOf(parameterTypes);
    Objects.requireNonNull(callable, "callable");
    Objects.requireNonNull(initArgs, "initArgs");
  }

  /** What this serves, for messages: {@code function Numbers.twice} or {@code class com.acme.Trainer}. */
  public String target() {
    return kind == Kind.FUNCTION ? "function " + callable : "class " + className;
  }

  /**
   * Checks a service name, for back ends that take one ({@code find}, {@code teardown}) before
   * they look it up.
   *
   * @return {@code name}
   * @throws IllegalArgumentException saying what a name may be
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("service name must be 1-63 lowercase letters, digits and '-', starting and"
          + " ending with a letter or digit (a DNS label), such as \"trainer\" or \"numbers-twice\"; was \"" + name + "\"");
    }
    return name;
  }
}

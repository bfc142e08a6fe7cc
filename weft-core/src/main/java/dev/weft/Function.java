package dev.weft;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a Weft function: a unit of work Weft calls, retries, times out, journals and
 * (later) runs remotely. Take a handle to it with {@link Weft#fn} (the method returns its value)
 * or {@link Weft#asyncFn} (the method returns a {@code CompletionStage}).
 *
 * <p>Options are validated when the first handle to the method is made; a bad option fails there
 * with an {@link UsageException} naming the method and the option. Durations are written as
 * {@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "2h"} or ISO-8601 ({@code "PT30S"}).
 *
 * <p>Where an option is left at its default marker ({@link #INHERIT} or {@code ""}), the function
 * takes its application's setting when it runs inside a request, else Weft's default.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Function {

  /** Marker for "not set here": take the application's value, else Weft's default. */
  int INHERIT = -1;

  /** The function's name; default {@code SimpleClassName.methodName}. */
  String name() default "";

  /**
   * How many times a failed call is retried (0..10); default {@link #INHERIT}, which means the
   * application's setting, else 0. {@link RequestError}, {@link UsageException} and cancellation
   * are never retried.
   */
  int retries() default INHERIT;

  /** The delays between retries; default: 1 s initial, times 2, at most 60 s, 50% jitter. */
  Backoff backoff() default @Backoff;

  /**
   * The longest one attempt may run (1 s .. 24 h); default {@code ""}: the application's
   * setting, else 300 s. A progress update ({@link RequestContext.Progress#update}) restarts the
   * clock. A timed-out sync call is interrupted; a timed-out async call's stage is cancelled.
   */
  String timeout() default "";

  /**
   * The CPUs one call takes: a {@link Placement#FLEET} call runs only on a node with this much
   * room left of its declared capacity. In (0, 1024]; default 1. Local calls do not count it.
   */
  double cpus() default 1.0;

  /**
   * The memory one call takes, e.g. {@code "512m"} or {@code "1g"}: a {@link Placement#FLEET}
   * call runs only on a node with this much room left of its declared capacity. Default
   * {@code "1g"}. Local calls do not count it.
   */
  String memory() default "1g";

  /**
   * Where the function's calls run; default {@link Placement#LOCAL}. {@link Placement#FLEET}
   * spreads them over the nodes sharing the request's journal.
   */
  Placement placement() default Placement.LOCAL;
}

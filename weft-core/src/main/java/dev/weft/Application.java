package dev.weft;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link Function} as an application: an entry point run as a request with an id
 * ({@link Weft#run}, {@link Weft#submit}), later served over HTTP. The application's name is
 * its function's name. Its {@code retries} and {@code timeout} are the defaults of every
 * function called in its requests that sets none.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Application {
  /** A one-line description shown in listings. */
  String description() default "";
}

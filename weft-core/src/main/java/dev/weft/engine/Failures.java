package dev.weft.engine;

import dev.weft.BlockedEventLoopException;
import dev.weft.FunctionException;
import dev.weft.RequestError;
import dev.weft.UsageException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How failures are unwrapped, classified and rethrown. */
final class Failures {
  private Failures() {}

  /** Strips the JDK's {@link CompletionException} / {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Whether another attempt may help: not for usage errors, request errors, cancellation, a
   * blocked-loop failure (the code would block again) or JVM errors.
   */
  static boolean retryable(Throwable t) {
    return !(t instanceof RequestError || t instanceof UsageException || t instanceof CancellationException
        || t instanceof InterruptedException || t instanceof BlockedEventLoopException || t instanceof Error);
  }

  /** Throws {@code t} as {@link dev.weft.Future#result()} promises: unchecked as is, checked wrapped. */
  static RuntimeException rethrow(Throwable t, String function) {
    t = unwrap(t);
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new FunctionException(function, t);
  }
}

package dev.weft;

/**
 * Carries a checked exception thrown by a function to a caller that cannot receive it directly
 * ({@link Future#result()} declares none). The original, with its type and stack, is the cause.
 * Unchecked exceptions and errors are never wrapped in this.
 */
public class FunctionException extends WeftException {
  private static final long serialVersionUID = 1L;
  private final String function;

  /** Wraps {@code cause}, thrown by the function named {@code function}. */
  public FunctionException(String function, Throwable cause) {
    super(function + " failed: " + cause, cause);
    this.function = function;
  }

  /** The name of the function that threw the cause. */
  public String function() {
    return function;
  }
}

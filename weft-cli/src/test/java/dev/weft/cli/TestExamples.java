package dev.weft.cli;

import dev.weft.examples.Example;
import java.io.PrintStream;

/**
 * Examples registered on the test class path only (see
 * {@code src/test/resources/META-INF/services}); ids TEST2 and TEST10 check numeric ordering.
 */
final class TestExamples {

  private TestExamples() {}

  /** Prints a narration line and then its result. */
  public static final class Succeeds implements Example {
    @Override
    public String id() {
      return "TEST2";
    }

    @Override
    public String title() {
      return "prints a result";
    }

    @Override
    public void run(PrintStream out) {
      out.println("narration");
      out.println("result: 42");
    }
  }

  /** Throws, as an example does when it observes the wrong result. */
  public static final class Fails implements Example {
    @Override
    public String id() {
      return "TEST10";
    }

    @Override
    public String title() {
      return "fails";
    }

    @Override
    public void run(PrintStream out) {
      throw new IllegalStateException("expected 42 but was 41");
    }
  }
}

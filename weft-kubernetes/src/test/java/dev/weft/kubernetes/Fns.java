package dev.weft.kubernetes;

import dev.weft.Function;

/** What the tests deploy. */
final class Fns {
  private Fns() {}

  @Function
  static int twice(int x) {
    return 2 * x;
  }

  /** Retries: after a pod is killed, the next call goes to its replacement. */
  @Function(retries = 5)
  static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  @Function
  static String chatty(int lines) {
    for (int i = 1; i <= lines; i++) {
      System.out.println("line " + i + " of " + lines);
    }
    return "printed " + lines;
  }

  /** A class that cannot be built: its deployment fails, with the reason. */
  public static final class Broken {
    public Broken() {
      throw new IllegalStateException("no model file at /models/latest");
    }

    public int answer() {
      return 42;
    }
  }
}

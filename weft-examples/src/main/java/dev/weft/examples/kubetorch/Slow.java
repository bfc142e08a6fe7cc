package dev.weft.examples.kubetorch;

/** Stand-ins for slow work in the Kubetorch examples: blocking, on the thread that runs it. */
final class Slow {
  private Slow() {}

  /**
   * Blocks for {@code millis}: CPU-bound work such as a training epoch, or a library that takes
   * long to load. Keeps the interrupt (so a cancelled call stops) but does not throw it, since a
   * static initializer cannot.
   */
  static void work(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

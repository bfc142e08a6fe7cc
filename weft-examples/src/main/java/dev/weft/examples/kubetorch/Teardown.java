package dev.weft.examples.kubetorch;

import dev.weft.remote.RemoteFunction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Tearing down what the examples deployed with {@code toAsync}, so none leaves a worker running. */
final class Teardown {
  private Teardown() {}

  /**
   * Waits for the deployment to end, then tears its service down. A deployment that failed left
   * nothing running, and its failure is the one the example reports, so it is not thrown here.
   */
  static void whenDeployed(CompletableFuture<? extends RemoteFunction> deployment) {
    try {
      deployment.join().teardown();
    } catch (CompletionException notDeployed) {
      // nothing to stop
    }
  }
}

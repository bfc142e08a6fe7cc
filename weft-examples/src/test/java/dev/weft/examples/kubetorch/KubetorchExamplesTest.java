package dev.weft.examples.kubetorch;

import dev.weft.remote.ComputeBackend;

/** The Kubetorch examples on the default back end: worker processes on this machine. */
final class KubetorchExamplesTest extends KubetorchScenarios {
  @Override
  protected ComputeBackend backend() {
    return ComputeBackend.localProcesses();
  }
}

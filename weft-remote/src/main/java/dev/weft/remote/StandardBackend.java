package dev.weft.remote;

import java.util.concurrent.atomic.AtomicReference;

/** The process's standard back end when it is not the local processes ({@link ComputeBackend#useAsStandard}). */
final class StandardBackend {
  static final AtomicReference<ComputeBackend> SET = new AtomicReference<>();

  private StandardBackend() {}
}

package dev.weft.engine;

import java.io.Serializable;

/** A function as a handle runs it: its definition and how to invoke it. Immutable. */
record FunctionSpec(FunctionDef def, Invoker invoker) {

  static FunctionSpec of(Serializable ref, int arity, boolean async, Invoker invoker) {
    return new FunctionSpec(FunctionDef.of(ref, arity, async), invoker);
  }

  String name() {
    return def.name();
  }
}

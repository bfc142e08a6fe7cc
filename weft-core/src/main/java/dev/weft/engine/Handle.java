package dev.weft.engine;

import dev.weft.UsageException;
import java.util.concurrent.CompletionStage;

/** What every generated {@code HandleN} shares: making calls, maps and reduces in the current frame. */
abstract class Handle {
  final FunctionSpec spec;

  Handle(FunctionSpec spec) {
    this.spec = spec;
  }

  public final String name() {
    return spec.name();
  }

  final AbstractFuture<?> newCall(Object[] args) {
    for (int i = 0; i < args.length; i++) {
      Inputs.rejectNestedInArgument(args[i], spec.name(), i);
    }
    Frame frame = Frames.currentOrLocal();
    return new CallFuture<>(spec, args, frame, frame.nextChildId('c', spec.def()), -1, null);
  }

  final AbstractFuture<?> newMap(Object items) {
    requireItems(items);
    Frame frame = Frames.currentOrLocal();
    return new MapFuture<>(spec, items, frame, frame.nextChildId('m', spec.def()));
  }

  final AbstractFuture<?> newReduce(Object items, boolean hasInitial, Object initial) {
    requireItems(items);
    Class<?> acc = spec.def().paramType(0);
    if (!spec.def().onLoop() && !acc.isAssignableFrom(spec.def().returnType())
        && !dev.weft.Future.class.isAssignableFrom(spec.def().returnType())) {
      throw new UsageException(spec.name() + " cannot reduce: it returns " + spec.def().returnType().getSimpleName()
          + " but its first parameter (the accumulator) takes " + acc.getSimpleName()
          + "; a reducer's result must be usable as its first argument");
    }
    Frame frame = Frames.currentOrLocal();
    return new ReduceFuture<>(spec, items, hasInitial, initial, frame, frame.nextChildId('r', spec.def()));
  }

  private void requireItems(Object items) {
    if (items == null) {
      throw new NullPointerException(spec.name() + ": items must not be null; pass an empty list for no items");
    }
    if (!(items instanceof Iterable<?>) && !(items instanceof CompletionStage<?>)) {
      throw new UsageException(spec.name() + ": items must be a collection or a stage of one");
    }
  }

  /** The function definition, for the engine (e.g. to check that an application is one). */
  final FunctionSpec spec() {
    return spec;
  }

  @Override
  public String toString() {
    return "Fn[" + spec.name() + "]";
  }
}

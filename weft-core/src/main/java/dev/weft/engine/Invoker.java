package dev.weft.engine;

/** Runs the method a handle names with the resolved arguments. */
@FunctionalInterface
interface Invoker {
  Object invoke(Object[] args) throws Exception;
}

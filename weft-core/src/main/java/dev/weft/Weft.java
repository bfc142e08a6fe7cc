package dev.weft;

import dev.weft.engine.Handles;

/**
 * The entry point: handles to functions, and requests on the default runtime.
 *
 * <pre>{@code
 * public final class Numbers {
 *   @Function static int twice(int x) { return x * 2; }
 *   @Function static int add(int a, int b) { return a + b; }
 *
 *   @Application @Function
 *   static Future<Integer> sumOfDoubles(List<Integer> numbers) {
 *     Future<List<Integer>> doubled = Weft.fn(Numbers::twice).map(numbers);
 *     return Weft.fn(Numbers::add).reduce(doubled, 0);   // returned unstarted: a tail call
 *   }
 * }
 * int total = Weft.run(Weft.asyncFn(Numbers::sumOfDoubles), List.of(1, 2, 3, 4));   // 20
 * }</pre>
 *
 * <p>{@code fn} takes a reference to a method that returns its value (a <em>sync</em> function,
 * run on a virtual thread, free to block); {@code asyncFn} takes one that returns a
 * {@code CompletionStage} (an <em>async</em> function, invoked on an event-loop thread, must not
 * block). A method declared to return Weft's {@link Future} is a sync function that returns a
 * tail call: take it with {@code asyncFn} (its type is a stage) and it still runs on a virtual
 * thread. The reference must name a method annotated {@link Function}; a lambda, or a method
 * without the annotation, or bad options are rejected here with a {@link UsageException}.
 * What a reference names is read once per reference site and cached; handles are cheap,
 * immutable and thread-safe.
 */
public final class Weft {
  private Weft() {}

  /** A handle to a sync function of no arguments. */
  public static <R> Fn0<R> fn(Fn0.Ref<R> method) {
    return Handles.sync(method);
  }

  /** A handle to a sync function of one argument. */
  public static <A, R> Fn1<A, R> fn(Fn1.Ref<A, R> method) {
    return Handles.sync(method);
  }

  /** A handle to a sync function of two arguments. */
  public static <A, B, R> Fn2<A, B, R> fn(Fn2.Ref<A, B, R> method) {
    return Handles.sync(method);
  }

  /** A handle to a sync function of three arguments. */
  public static <A, B, C, R> Fn3<A, B, C, R> fn(Fn3.Ref<A, B, C, R> method) {
    return Handles.sync(method);
  }

  /** A handle to a sync function of four arguments. */
  public static <A, B, C, D, R> Fn4<A, B, C, D, R> fn(Fn4.Ref<A, B, C, D, R> method) {
    return Handles.sync(method);
  }

  /** A handle to a sync function of five arguments. */
  public static <A, B, C, D, E, R> Fn5<A, B, C, D, E, R> fn(Fn5.Ref<A, B, C, D, E, R> method) {
    return Handles.sync(method);
  }

  /** A handle to an async function of no arguments. */
  public static <R> Fn0<R> asyncFn(Fn0.AsyncRef<R> method) {
    return Handles.async(method);
  }

  /** A handle to an async function of one argument. */
  public static <A, R> Fn1<A, R> asyncFn(Fn1.AsyncRef<A, R> method) {
    return Handles.async(method);
  }

  /** A handle to an async function of two arguments. */
  public static <A, B, R> Fn2<A, B, R> asyncFn(Fn2.AsyncRef<A, B, R> method) {
    return Handles.async(method);
  }

  /** A handle to an async function of three arguments. */
  public static <A, B, C, R> Fn3<A, B, C, R> asyncFn(Fn3.AsyncRef<A, B, C, R> method) {
    return Handles.async(method);
  }

  /** A handle to an async function of four arguments. */
  public static <A, B, C, D, R> Fn4<A, B, C, D, R> asyncFn(Fn4.AsyncRef<A, B, C, D, R> method) {
    return Handles.async(method);
  }

  /** A handle to an async function of five arguments. */
  public static <A, B, C, D, E, R> Fn5<A, B, C, D, E, R> asyncFn(
      Fn5.AsyncRef<A, B, C, D, E, R> method) {
    return Handles.async(method);
  }

  /**
   * Runs {@code application} as a request on the default runtime and waits for its output.
   *
   * @throws UsageException if the function is not annotated {@link Application}
   */
  public static <A, R> R run(Fn1<A, R> application, A input) {
    return WeftRuntime.defaultRuntime().run(application, input);
  }

  /** Starts {@code application} as a request on the default runtime. */
  public static <A, R> Request<R> submit(Fn1<A, R> application, A input) {
    return WeftRuntime.defaultRuntime().submit(application, input);
  }
}

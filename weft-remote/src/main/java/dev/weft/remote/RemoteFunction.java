package dev.weft.remote;

import dev.weft.UsageException;
import dev.weft.engine.DirectFunction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What every typed remote function handle ({@code RemoteFn0} … {@code RemoteFn5}) shares: the
 * deployed service it calls and its call settings.
 *
 * <p><b>Calling.</b> Each handle has three ways to call. {@code call(...)} always blocks until
 * the value is back (Kubetorch's default). {@code callAsync(...)} never blocks: it returns a
 * {@link CompletableFuture} at once (the call is already sent; unlike a Python coroutine it
 * need not be awaited to run). {@code invoke(...)} follows the handle's default mode, which is
 * synchronous unless switched with {@code withAsyncDefault(true)}: in synchronous mode it
 * returns an already completed future. The explicit forms are the per-call override, and win
 * over the default.
 *
 * <p><b>Outcomes.</b> The value, decoded with the function's declared return type; or the
 * function's own exception, re-created with its original type when that class is on this side's
 * class path (else a {@link dev.weft.transport.RemoteException} naming it), the remote stack as
 * its stack trace ending in a frame that names the service, replica and process; a checked one is
 * wrapped in {@link dev.weft.FunctionException} by the blocking forms, as local calls do. A call
 * that outlives its timeout fails with {@link dev.weft.FunctionTimeoutException} and is
 * cancelled on the worker; cancelling a returned future cancels the call on the worker. When the
 * worker dies during a call the call is retried on a restarted worker if the function's
 * {@code @Function(retries)} allows, else it fails with {@link ServiceUnavailableException}.
 *
 * <p><b>As a Weft function.</b> {@code asFn()} returns the function as a Weft handle ({@code
 * Fn0} … {@code Fn5}) whose calls go to the service: it composes as local functions do (futures
 * as arguments, map and reduce, scopes, tail calls), and its calls inside a durable request are
 * journaled. Its calls behave as {@code call}'s do (this handle's timeout and logs, the
 * function's retries), with failures reported as local calls report them.
 *
 * <p>Handles are immutable and thread-safe; the {@code with...} methods return new handles to
 * the same service.
 */
public abstract sealed class RemoteFunction
    permits RemoteFn0, RemoteFn1, RemoteFn2, RemoteFn3, RemoteFn4, RemoteFn5 {
  final Service service;
  final CallTarget target;
  final CallOptions options;
  /** Made on first use of {@code asFn()}; racing threads may each make one, all equivalent. */
  private volatile Object weftHandle;

  RemoteFunction(Service service, CallTarget target, CallOptions options) {
    this.service = service;
    this.target = target;
    this.options = options;
  }

  /** The function's name (its {@code @Function} name, or {@code Class.method}). */
  public final String name() {
    return target.display();
  }

  /** The name of the service it is deployed as. */
  public final String serviceName() {
    return service.name();
  }

  /** Whether {@code invoke(...)} is asynchronous by default. */
  public final boolean asyncDefault() {
    return options.asyncDefault();
  }

  /** The timeout of each call: set with {@code withTimeout}, else the function's {@code @Function(timeout)}, else 300 s. */
  public final Duration timeout() {
    return options.timeoutFor(target);
  }

  /** The process ids of the service's replicas, as last known. */
  public final List<Long> processIds() {
    return service.pids();
  }

  /** Stops the service (all its replicas) for every caller. Calls on any handle to it then fail. */
  public final void teardown() {
    service.teardown();
  }

  /**
   * The Weft handle behind {@code asFn()}: calls through {@link Calls} (so with this handle's
   * timeout, logs and the function's retries), stopped by the engine a little after the call's
   * own deadline, so that the remote layer's timeout (which also cancels the call on the worker)
   * is the one reported.
   */
  final Object weftHandle() {
    Object h = weftHandle;
    if (h == null) {
      if (target.items().isPresent()) {
        throw new UsageException(target.display() + " streams its result (it returns a Stream), which a Weft future"
            + " can neither hold nor journal; call it with call(...) and read the stream");
      }
      DirectFunction fn = DirectFunction.of(target.policy().orElseThrow().method(), target.display());
      Duration engineTimeout = timeout().plus(Calls.GRACE).plusSeconds(1);
      h = fn.handle(engineTimeout, fn.onLoop()
          ? args -> Calls.start(service, target, options, args) // a stage: nothing blocks the event loop
          : args -> Calls.awaitAsIs(Calls.start(service, target, options, args)));
      weftHandle = h;
    }
    return h;
  }

  final <R> R callNow(Object[] args) {
    return Calls.await(Calls.start(service, target, options, args), target.display());
  }

  final <R> CompletableFuture<R> callLater(Object[] args) {
    return Calls.start(service, target, options, args);
  }

  final <R> CompletableFuture<R> callByDefault(Object[] args) {
    if (options.asyncDefault()) {
      return callLater(args);
    }
    R value = callNow(args);
    return CompletableFuture.completedFuture(value);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name() + " on " + serviceName() + "]";
  }
}

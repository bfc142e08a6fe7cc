/**
 * Weft's engine: the call graph (lazy futures, input resolution, tail calls), dispatch (event
 * loops and virtual threads), retries, timeouts, cancellation and request context.
 *
 * <p><b>Internal.</b> Nothing here is API: types are public only where {@code dev.weft} must
 * reach them ({@link dev.weft.engine.Handles}, {@link dev.weft.engine.Engine}, ...). They may
 * change in any release.
 *
 * <p>Overview. A handle ({@code HandleN}) turns every overload into {@link dev.weft.engine.CallFuture},
 * {@link dev.weft.engine.MapFuture} or {@link dev.weft.engine.ReduceFuture}, all built on
 * {@code AbstractFuture} (lazy start, stage view, failure unwrapping). Starting a call resolves
 * its stage arguments, asks the request's journal for a recorded output, then runs attempts:
 * a sync function's attempts loop on one virtual thread (sleeping between them), an async
 * function's attempts are invoked on an {@code EventLoop} and chained by the
 * {@code TimerWheel}. A {@code Frame} is the context of one running attempt (request, durable
 * id, children); it is what {@link dev.weft.RequestContext#current()} returns.
 */
package dev.weft.engine;

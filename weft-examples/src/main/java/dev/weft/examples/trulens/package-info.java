/**
 * The sync/async utilities of TruLens' {@code trulens.core.utils.asynchro} (seed 002), written
 * with Weft: scenarios B1 to B3 of the conformance list.
 *
 * <p>How the Python maps to Weft:
 * <ul>
 *   <li>{@code sync(func, *args)} is {@link dev.weft.Async#sync(java.util.concurrent.Callable)}
 *       (or {@link dev.weft.Async#sync(java.util.concurrent.CompletionStage)} for a stage in
 *       hand). TruLens starts a new thread with a new event loop when called from async code;
 *       Weft keeps the caller's loop running its queued tasks while it waits
 *       ({@link dev.weft.examples.trulens.B1Sync}).
 *   <li>{@code desync(func, *args)} is {@link dev.weft.Async#desync} for blocking work (a new
 *       virtual thread instead of {@code to_thread}) and {@link dev.weft.Async#desyncCompose}
 *       for work that may return a stage ({@link dev.weft.examples.trulens.B2Desync}).
 *   <li>{@code is_really_coroutinefunction(f)} is {@link dev.weft.Async#isAsync}; a decorator's
 *       {@code __wrapped__} is {@link dev.weft.Async.Wrapper#unwrap()}, followed to any depth
 *       ({@link dev.weft.examples.trulens.B3Detection}).
 *   <li>{@code MaybeAwaitable[T]} is "a value or a {@code CompletionStage}", made uniform by
 *       {@link dev.weft.Async#toStage}; an async function is one that returns a
 *       {@code CompletionStage} (taken with {@link dev.weft.Weft#asyncFn}).
 *   <li>Unlike TruLens, failures of every kind come back as they are: an {@code Error} or a
 *       cancellation is never turned into a {@code null} result.
 * </ul>
 */
package dev.weft.examples.trulens;

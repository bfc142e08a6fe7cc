/**
 * The examples of async-tamer's README (seed 003), written with Weft: scenarios A1 to A8 of the
 * conformance list. Each class is one program; read them in order.
 *
 * <p>How the Python maps to Weft:
 * <ul>
 *   <li>A {@code @tamed async def} is a Weft function that returns a {@code CompletionStage}
 *       (taken with {@link dev.weft.Weft#asyncFn}). Instead of a decorator that looks at its
 *       caller, the handle says how to call it: {@code call(...)} blocks and returns the value
 *       (tamer's sync context, {@link dev.weft.examples.tamer.A1SyncCalls}); {@code future(...)}
 *       is the coroutine, awaited by composing on it
 *       ({@link dev.weft.examples.tamer.A2AsyncCalls}); {@code in(scope, ...)} is
 *       {@code _async_scope=scope} ({@link dev.weft.examples.tamer.A3Scope}).
 *   <li>{@code with AsyncScope() as scope} is try-with-resources on
 *       {@link dev.weft.AsyncScope#open()}; {@code async with} is
 *       {@link dev.weft.AsyncScope#async}. Plain blocking work joins a scope with
 *       {@link dev.weft.AsyncScope#fork(java.util.concurrent.Callable)} (a virtual thread).
 *   <li>{@code exit_mode="wait" | "cancel" | "raise"} and {@code error_mode="cancel" | "continue"}
 *       are the enums {@link dev.weft.ExitMode} and {@link dev.weft.ErrorMode}, so a misspelt mode
 *       cannot silently act as the default.
 *   <li>{@code DelayedResult.value} is {@link dev.weft.DelayedResult#value()}, which throws
 *       {@link java.lang.IllegalStateException} ("not yet available") where Python raises
 *       {@code AttributeError}; {@code .block()} is {@link dev.weft.DelayedResult#block()};
 *       {@code await delayed_result} is composing on it, since it is a {@code CompletionStage},
 *       which also makes it an input of another Weft call.
 *   <li>A failure nobody waited for is thrown when the scope closes: the first one itself, the
 *       others suppressed on it, where async-tamer raises an {@code ExceptionGroup}.
 *   <li>{@code await asyncio.sleep(s)} is a stage a timer completes ({@code Sleep}); the seed's
 *       {@code slow_echo} is {@code Echo.slowEcho}, and its {@code (code, msg)} tuples are the
 *       record {@code Status}.
 * </ul>
 */
package dev.weft.examples.tamer;

/**
 * The examples of Tensorlake's "async functions" guide (seed 000), written with Weft: scenarios
 * T1 to T10 of the conformance list. Each class is one program; read them in order.
 *
 * <p>Python's {@code async def} is a Weft function that returns a {@code CompletionStage}
 * (taken with {@link dev.weft.Weft#asyncFn}); Python's {@code def} is one that returns its value
 * (taken with {@link dev.weft.Weft#fn}). {@code await} is composing on a future's
 * {@code CompletionStage} view, {@code asyncio.create_task} is {@link dev.weft.Future#run()},
 * and returning an unstarted future is a tail call. Python's {@code double} is called
 * {@code twice} here, because {@code double} is a Java keyword.
 */
package dev.weft.examples.tensorlake;

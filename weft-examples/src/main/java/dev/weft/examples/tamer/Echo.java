package dev.weft.examples.tamer;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.Fn2;
import dev.weft.Function;
import dev.weft.Weft;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The seed's {@code slow_echo}: an async function that waits without blocking, then prints its
 * message. Make one per run: it prints to that run's stream, with the time since it was made,
 * and remembers the order in which the echoes finished.
 *
 * <pre>{@code
 * @tamed
 * async def slow_echo(msg: str, delay: int) -> None:
 *     await asyncio.sleep(delay)
 *     print(msg)
 * }</pre>
 *
 * <p>(The seed's copy of the README lost the {@code print(msg)} line; its outputs show it.)
 *
 * <p>{@link #slowEcho(String, double)} is a bound instance method: a Weft function may be one,
 * and the receiver is how it reaches its output stream. Thread-safe.
 */
final class Echo {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final List<String> finished = new CopyOnWriteArrayList<>();

  Echo(PrintStream out) {
    this.out = out;
  }

  /**
   * Waits {@code seconds} without holding a thread, prints {@code "<msg> at <n> ms"}, and
   * completes with {@code msg}.
   */
  @Function
  CompletionStage<String> slowEcho(String msg, double seconds) {
    return Sleep.then(seconds, () -> {
      out.println(msg + " at " + elapsedMs() + " ms");
      finished.add(msg);
      return msg;
    });
  }

  /** A handle to {@link #slowEcho} of this echo. */
  Fn2<String, Double, String> handle() {
    return Weft.asyncFn(this::slowEcho);
  }

  /** The messages echoed so far, in the order they finished. */
  List<String> finished() {
    return List.copyOf(finished);
  }

  /** Whole milliseconds since this echo was made. */
  long elapsedMs() {
    return NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}

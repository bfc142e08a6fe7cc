package dev.weft.examples.tamer;

import dev.weft.examples.Check;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.AsyncScope;
import dev.weft.DelayedResult;
import dev.weft.ErrorMode;
import dev.weft.ExitMode;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A7: a rate limiter whose token generator runs forever in an outer scope with
 * {@link ExitMode#CANCEL}, while an inner scope sends a batch of 6 requests: 3 at once (the
 * initial burst), then one a second as tokens come back. Closing the outer scope cancels the
 * generator. Prints a line per request with its time since the start, how the generator ended,
 * the elapsed time (about 3 s), then {@code 3 at once, then 1, 1, 1} (requests sent in each
 * second).
 *
 * <p>Mirrors the {@code exit_mode="cancel"} example of seed 003 (async-tamer):
 *
 * <pre>{@code
 * class RateLimiter:
 *     def __init__(self):
 *         # allow an initial burst
 *         self.max_tokens = 3
 *         self.tokens = self.max_tokens
 *
 *     async def generate_tokens(self, delay:int):
 *         while True:  # <-- generate new tokens forever
 *             await asyncio.sleep(delay)
 *             self.tokens = min(self.tokens + 1, self.max_tokens)
 *
 *     async def get_token(self):
 *         # Note: This would not work with threads, but is perfectly
 *         # fine in asyncio
 *         while self.tokens == 0:
 *             await asyncio.sleep(0)
 *         self.tokens -= 1
 *         return True
 *
 * async def fake_request(rate_limiter):
 *     await rate_limiter.get_token()
 *     print(datetime.now().strftime("%H:%M:%S.%f"), "Requesting...")
 *
 * throttle = RateLimiter()
 * with AsyncScope(exit_mode="cancel") as service_layer:
 *     throttle.generate_tokens(1, _async_scope=service_layer)
 *
 *     with AsyncScope() as batch:
 *         for _ in range(6):
 *             fake_request(throttle, _async_scope=batch)
 *     # <-- wait for all requests to finish
 * # <-- cancel the rate limiter
 *
 * # Output
 * # 00:22:28.348290 Requesting...
 * # 00:22:28.348436 Requesting...
 * # 00:22:28.348564 Requesting...
 * # 00:22:29.347495 Requesting...
 * # 00:22:30.347555 Requesting...
 * # 00:22:31.347597 Requesting...
 * }</pre>
 *
 * <p>(The seed's copy of the README garbled the {@code print} line; it is restored here.)
 *
 * <p>The seed's limiter busy-waits on its single event loop ("would not work with threads").
 * Here the generator and the requests are blocking code forked with
 * {@link AsyncScope#fork(java.util.concurrent.Callable)}, each on its own virtual thread, so the
 * bucket is a {@link Semaphore}: a request blocks in {@code acquire()} until a token is there,
 * without spinning. Cancelling the generator interrupts its thread, which ends its
 * {@code sleep} and its loop. The scopes are nested try-with-resources blocks: the blocking
 * form of {@link A6NestedScopes}.
 */
public final class A7RateLimiter implements Example {

  /** A token bucket holding at most {@code maxTokens}, full at first. Thread-safe. */
  static final class RateLimiter {
    private final int maxTokens;
    private final Semaphore tokens;

    RateLimiter(int maxTokens) {
      this.maxTokens = maxTokens;
      this.tokens = new Semaphore(maxTokens); // allow an initial burst
    }

    /**
     * Adds a token every {@code period}, up to the maximum, forever: only an interrupt (the
     * scope cancelling it) ends it. Call it from one thread only: the check-then-add below
     * relies on no one else adding tokens.
     */
    void generateTokens(Duration period) throws InterruptedException {
      while (true) { // generate new tokens forever
        Thread.sleep(period);
        if (tokens.availablePermits() < maxTokens) {
          tokens.release();
        }
      }
    }

    /** Takes a token, waiting until there is one. */
    void getToken() throws InterruptedException {
      tokens.acquire();
    }
  }

  @Override
  public String id() {
    return "A7";
  }

  @Override
  public String title() {
    return "a rate limiter: a generator loop in a CANCEL scope, a batch in an inner scope";
  }

  @Override
  public void run(PrintStream out) throws InterruptedException {
    long start = System.nanoTime();
    List<Long> sentAtMs = new CopyOnWriteArrayList<>();
    CountDownLatch generatorEnded = new CountDownLatch(1);
    RateLimiter throttle = new RateLimiter(3);

    DelayedResult<Void> generator;
    try (AsyncScope serviceLayer = AsyncScope.open(ExitMode.CANCEL, ErrorMode.CANCEL)) {
      generator = serviceLayer.fork(() -> {
        try {
          throttle.generateTokens(Duration.ofSeconds(1));
        } finally {
          generatorEnded.countDown();
        }
        return null;
      });

      try (AsyncScope batch = AsyncScope.open()) {
        for (int i = 0; i < 6; i++) {
          batch.fork(() -> {
            throttle.getToken();
            long at = NANOSECONDS.toMillis(System.nanoTime() - start);
            sentAtMs.add(at);
            out.println("requesting at " + at + " ms");
            return null;
          });
        }
      } // wait for all requests to finish
    } // cancel the rate limiter
    long elapsed = NANOSECONDS.toMillis(System.nanoTime() - start);

    // close() has waited for every fork to finish, the cancelled generator's thread included.
    boolean loopEnded = generatorEnded.getCount() == 0;
    out.println("token generator: " + generator.state() + ", its loop has ended: " + loopEnded);
    Check.expect("generator state after close", generator.state(), DelayedResult.State.CANCELLED);
    Check.expect("generator loop ended", loopEnded, true);

    out.println("elapsed: " + elapsed + " ms");
    String perSecond = perSecond(sentAtMs);
    out.println(perSecond);
    Check.expect("requests sent in each second", perSecond, "3 at once, then 1, 1, 1");
  }

  /** How many requests were sent in each whole second since the start. */
  private static String perSecond(List<Long> sentAtMs) {
    List<Integer> counts = new ArrayList<>();
    for (long at : sentAtMs) {
      int second = (int) (at / 1000);
      while (counts.size() <= second) {
        counts.add(0);
      }
      counts.set(second, counts.get(second) + 1);
    }
    StringBuilder text = new StringBuilder(counts.get(0) + " at once, then ");
    for (int i = 1; i < counts.size(); i++) {
      text.append(i > 1 ? ", " : "").append(counts.get(i));
    }
    return text.toString();
  }
}

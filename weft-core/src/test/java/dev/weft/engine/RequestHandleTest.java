package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's request handle, called directly where the public API cannot order a race. */
final class RequestHandleTest {
  static final CountDownLatch STARTED = new CountDownLatch(1);
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Application @Function
  static int blocks(int x) throws InterruptedException {
    STARTED.countDown();
    RELEASE.await();
    return x;
  }

  /**
   * Regression: a second abandon (the journal's lease-lost listener and the fleet's renewal both
   * report the loss) found the outcome done, took the handle's "abandoned" mark back, and the
   * handle then reported CANCELLED, a false end.
   */
  @Test
  void abandon_twice_secondChangesNothingAndStateStaysRunning() throws InterruptedException {
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).build()) {
      Request<Integer> request = runtime.submit(Weft.fn(RequestHandleTest::blocks), 1);
      assertThat(STARTED.await(30, TimeUnit.SECONDS)).isTrue();
      RequestHandle<?> handle = (RequestHandle<?>) request;
      IllegalStateException first = new IllegalStateException("lost");

      assertThat(handle.abandon(first)).isTrue();
      assertThat(handle.abandon(new IllegalStateException("lost again"))).isFalse();

      assertThat(request.state()).isEqualTo(RequestState.RUNNING);
      assertThat(request.done()).isFalse();
      assertThatThrownBy(request::result).isSameAs(first);
    } finally {
      RELEASE.countDown();
    }
  }
}

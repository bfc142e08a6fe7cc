package dev.weft.transport;

import static dev.weft.transport.Samples.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.transport.Samples.Box;
import dev.weft.transport.Samples.Pair;
import dev.weft.transport.Samples.Point;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

final class JsonCodecConcurrencyTest {

  /**
   * Threads sharing the codec, preparing and using the same types at once, all read back what they
   * wrote.
   */
  @Test
  void sharedCodec_concurrentFirstUseOfTypes_givesSameResults() throws Exception {
    JsonCodec codec = JsonCodec.standard();
    List<Type> types =
        List.of(type("mapOfLists"), type("boxOfPairs"), type("listOfPairs"), Point.class);
    List<Object> values =
        List.of(
            Map.of("a", List.of(1.0, 2.5)),
            new Box<>(new Pair<>("p", new Point(1, 2)), List.of()),
            List.of(new Pair<>(Samples.Color.RED, List.of(new Point(3, 4)))),
            new Point(5, 6));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (int t = 0; t < 8; t++) {
        int offset = t;
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 500; i++) {
                    int k = (i + offset) % types.size();
                    String json = codec.encode(values.get(k), types.get(k));
                    if (!codec.decode(json, types.get(k)).equals(values.get(k))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      start.countDown();
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    }
  }
}

package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.Applications;
import dev.weft.Weft;
import dev.weft.test.TestWeft;
import dev.weft.test.WeftTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@WeftTest
final class WordCountTest {
  @Test
  void total_countsTheWordsOfEveryLine(TestWeft weft) {
    int total = weft.run(Weft.asyncFn(WordCount::total), List.of("one two", "three", "  four five six "));

    assertEquals(6, total);
    weft.assertThat(Weft.fn(WordCount::words)).calledTimes(3).calledWith("three");
    weft.assertThat(Weft.fn(WordCount::add)).calledInOrderWith(List.of(0, 2), List.of(2, 1), List.of(3, 3));
  }

  @Test
  void total_failsWhenALineFails(TestWeft weft) {
    weft.failFirst(Weft.fn(WordCount::words), 1, () -> new IllegalStateException("disk gone"));

    assertThrows(RuntimeException.class, () -> weft.run(Weft.asyncFn(WordCount::total), List.of("a b c")));
    weft.assertThat(Weft.fn(WordCount::words)).attempted(1).failedWith(IllegalStateException.class);
  }

  @Test
  void total_withWordsFaked_addsWhatTheFakeSays(TestWeft weft) {
    weft.fake(Weft.fn(WordCount::words), line -> 10);

    assertEquals(20, weft.run(Weft.asyncFn(WordCount::total), List.of("x", "y")));
  }

  @Test
  void total_isAnApplication() {
    assertEquals("Counts the words of the lines given",
        Applications.of(WordCount.class).find("WordCount.total").orElseThrow().description());
  }
}

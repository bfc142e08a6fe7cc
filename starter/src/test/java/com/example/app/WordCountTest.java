package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Applications;
import dev.weft.Weft;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordCountTest {
  @Test
  void total_countsTheWordsOfEveryLine() {
    int total = Weft.run(Weft.asyncFn(WordCount::total), List.of("one two", "three", "  four five six "));

    assertEquals(6, total);
  }

  @Test
  void total_isAnApplication() {
    assertEquals("Counts the words of the lines given",
        Applications.of(WordCount.class).find("WordCount.total").orElseThrow().description());
  }
}

package com.example.app;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import java.util.Arrays;
import java.util.List;

/**
 * A Weft application: counts the words of some lines, one call per line in parallel, then adds
 * the counts up. Serve it with {@code weft server --jar target/weft-starter-1.0-SNAPSHOT.jar}, or
 * run it here with {@code main}.
 */
public final class WordCount {
  private WordCount() {}

  @Function
  static int words(String line) {
    return (int) Arrays.stream(line.split("\\s+")).filter(w -> !w.isBlank()).count();
  }

  @Function
  static int add(int a, int b) {
    return a + b;
  }

  /** The application: its name is {@code WordCount.total}, its input a JSON array of strings. */
  @Application(description = "Counts the words of the lines given")
  @Function
  static Future<Integer> total(List<String> lines) {
    Future<List<Integer>> counts = Weft.fn(WordCount::words).map(lines);
    return Weft.fn(WordCount::add).reduce(counts, 0);
  }

  public static void main(String[] args) {
    System.out.println(Weft.run(Weft.asyncFn(WordCount::total), List.of(args)));
  }
}

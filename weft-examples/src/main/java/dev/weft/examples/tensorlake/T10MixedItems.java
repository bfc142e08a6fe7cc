package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Fn1;
import dev.weft.Fn2;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * T10: map and reduce take items that mix values and futures, and a future of a list. Prints
 * both totals of the doubles of 1, 2, 3 and 4, then {@code 20}.
 *
 * <p>Mirrors the exception to the wrapping rule in seed 000: "Map and reduce operations expect
 * iterables, so they recognize coroutines and asyncio.Task objects wrapped into lists and process
 * them as expected."
 *
 * <p>The input {@code [1, "2", 3, "4"]} holds numbers and numbers still in text. The first total
 * parses each text item with a call and hands {@code map} the resulting mix of values and
 * futures; {@code map} resolves the futures, all in parallel. The second parses every item with
 * a {@code map}: {@code twice.map} then takes that future of a list, and {@code reduce} takes
 * {@code twice.map}'s. Nothing waits until the final {@code result()}; each {@code reduce} step
 * runs as soon as its two inputs exist.
 */
public final class T10MixedItems implements Example {

  @Function
  static int parse(String text) {
    return Integer.parseInt(text.strip());
  }

  @Function
  static int twice(int x) {
    return x * 2;
  }

  @Function
  static int add(int a, int b) {
    return a + b;
  }

  @Application
  @Function
  static List<Integer> sumOfDoubles(List<Object> inputs) {
    Fn1<String, Integer> parse = Weft.fn(T10MixedItems::parse);
    Fn1<Integer, Integer> twice = Weft.fn(T10MixedItems::twice);
    Fn2<Integer, Integer, Integer> add = Weft.fn(T10MixedItems::add);

    // 1. Items that mix values and futures: [1, parse("2"), 3, parse("4")].
    List<Object> mixed = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Object input : inputs) {
      mixed.add(input instanceof String text ? parse.future(text) : input);
      texts.add(input.toString());
    }
    int fromMixed = add.reduce(twice.map(mixed)).result();

    // 2. A future of a list: parse.map(...) is one, and so is twice.map(...).
    Future<List<Integer>> numbers = parse.map(texts);
    int fromFuture = add.reduce(twice.map(numbers)).result();

    return List.of(fromMixed, fromFuture);
  }

  @Override
  public String id() {
    return "T10";
  }

  @Override
  public String title() {
    return "map and reduce over mixed items and over a future of a list";
  }

  @Override
  public void run(PrintStream out) {
    List<Integer> totals = Weft.run(Weft.fn(T10MixedItems::sumOfDoubles), List.of(1, "2", 3, "4"));
    out.println("items mixing values and futures: " + totals.get(0));
    out.println("a future of a list: " + totals.get(1));
    Check.expect("total over mixed items", totals.get(0), 20);
    Check.expect("total over a future of a list", totals.get(1), 20);
    out.println(totals.get(1));
  }
}

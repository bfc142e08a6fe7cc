package dev.weft.examples.tensorlake;

import dev.weft.examples.Check;
import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.UsageException;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * T9: a future wrapped inside another object is a usage error. Prints the two
 * {@link UsageException} messages, each of which says how to pass the future instead; the
 * second one last.
 *
 * <p>Mirrors the closing rule of seed 000, "Wrapping coroutines and asyncio.Tasks into Python
 * objects is not allowed":
 *
 * <blockquote>When passing Tensorlake coroutines or asyncio.Task objects [...] as arguments to
 * function calls, or returning them as tail calls, they cannot be wrapped into other Python
 * objects. For example, returning a list with a coroutine inside is not allowed. [...] Map and
 * reduce operations expect iterables, so they recognize coroutines and asyncio.Task objects
 * wrapped into lists and process them as expected.</blockquote>
 *
 * <p>Weft resolves a future only where it is a whole argument, a map or reduce item, or a whole
 * returned value (a tail call). Rather than pass a hidden future on unresolved, it fails: a
 * function that returns a list of futures fails when it returns, and a call whose record
 * argument holds a future is refused when it is made. The fixes: build the list with
 * {@code map} ({@link T10MixedItems}), and pass each future as its own argument
 * ({@link T5FuturesAsInputs}).
 */
public final class T9WrappedFuture implements Example {

  /** A pair of numbers, wrongly holding futures of them. */
  record Pair(Future<Integer> left, Future<Integer> right) {}

  @Function
  static int twice(int x) {
    return x * 2;
  }

  /** Wrong: returns futures inside a list. Use {@code Weft.fn(T9WrappedFuture::twice).map(xs)}. */
  @Function
  static List<Future<Integer>> twiceEach(List<Integer> xs) {
    List<Future<Integer>> doubled = new ArrayList<>();
    for (int x : xs) {
      doubled.add(Weft.fn(T9WrappedFuture::twice).future(x));
    }
    return doubled;
  }

  @Function
  static int addPair(Pair pair) {
    return pair.left().result() + pair.right().result();
  }

  /** Makes both mistakes and returns the two messages. */
  @Application
  @Function
  static List<String> myApp(int x) {
    List<String> messages = new ArrayList<>();
    try {
      Weft.fn(T9WrappedFuture::twiceEach).call(List.of(x, x + 1));
    } catch (UsageException e) {
      messages.add(e.getMessage());
    }
    try {
      Pair pair = new Pair(Weft.fn(T9WrappedFuture::twice).future(x),
          Weft.fn(T9WrappedFuture::twice).future(x + 1));
      Weft.fn(T9WrappedFuture::addPair).call(pair);
    } catch (UsageException e) {
      messages.add(e.getMessage());
    }
    return messages;
  }

  @Override
  public String id() {
    return "T9";
  }

  @Override
  public String title() {
    return "a future wrapped in a list or a record is a usage error";
  }

  @Override
  public void run(PrintStream out) {
    List<String> messages = Weft.run(Weft.fn(T9WrappedFuture::myApp), 3);
    Check.expect("number of usage errors", messages.size(), 2);
    out.println("a future inside a returned list:");
    out.println(messages.get(0));
    out.println("a future inside a record argument:");
    out.println(messages.get(1));
  }
}

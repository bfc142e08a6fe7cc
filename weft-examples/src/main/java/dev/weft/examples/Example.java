package dev.weft.examples;

import java.io.PrintStream;

/**
 * A conformance scenario packaged as a small runnable program: it exercises one behaviour of
 * Weft end to end and prints what it observed.
 *
 * <h2>Output contract</h2>
 * <ul>
 *   <li>The <em>last</em> line printed is the example's result: the line a test or a reader
 *       compares with the expected value.
 *   <li>A timed example prints {@code elapsed: <n> ms} (whole milliseconds) on the line just
 *       before the result.
 *   <li>Lines before those are free-form narration.
 * </ul>
 *
 * <h2>Registration</h2>
 * Implementations are found with {@link java.util.ServiceLoader}: each is a public class with a
 * public no-argument constructor, listed in {@code META-INF/services/dev.weft.examples.Example}.
 * {@link Examples} creates new instances on every lookup, so implementations need not be
 * thread-safe.
 */
public interface Example {

  /**
   * Returns this example's stable identifier: an upper-case group letter (or letters) followed
   * by a number, such as {@code T1} or {@code A12}. Identifiers are unique among all examples.
   */
  String id();

  /** Returns a one-line, human-readable title, such as {@code "map then reduce over 1..10"}. */
  String title();

  /**
   * Runs the scenario on the calling thread, printing to {@code out}, and blocks until it has
   * finished. Anything the example started has finished or been cancelled when this returns.
   *
   * @param out where narration, timing and the result line go; not closed by the example
   * @throws InterruptedException if the calling thread is interrupted while the example waits;
   *     the example stops promptly rather than returning normally
   * @throws Exception if the scenario fails, including when the observed result is wrong
   */
  void run(PrintStream out) throws Exception;
}

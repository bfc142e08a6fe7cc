package dev.weft.examples.tamer;

import static dev.weft.examples.ExampleOutput.elapsedMs;
import static dev.weft.examples.ExampleOutput.lastLine;
import static dev.weft.examples.ExampleOutput.lines;
import static dev.weft.examples.ExampleOutput.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.examples.Example;
import dev.weft.examples.Examples;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs each async-tamer example (scenarios A1..A8) and checks what it printed, including the
 * timing shapes: "≈ t" means at least 95% of t and at most 125% of t plus 150 ms.
 */
final class TamerExamplesTest {

  /** An echo's line, or a request's: {@code <label> at <n> ms}. */
  private static final Pattern AT = Pattern.compile("(\\S+) at (\\d+) ms");

  @Test
  void a1_syncCalls_finishInCallOrderAndTakeTheSum() throws Exception {
    List<String> lines = run(new A1SyncCalls());

    assertThat(finishTimes(lines).keySet()).containsExactly("sync-1", "sync-.1", "sync-.5");
    assertThat(lastLine(lines)).isEqualTo("sync-1, sync-.1, sync-.5");
    assertRoughly(elapsedMs(lines), 1600);
  }

  @Test
  void a2_asyncCalls_finishByDelayAndTakeTheLongest() throws Exception {
    List<String> lines = run(new A2AsyncCalls());

    assertThat(finishTimes(lines).keySet()).containsExactly("async-.1", "async-.5", "async-1");
    assertThat(lastLine(lines)).isEqualTo("async-.1, async-.5, async-1");
    assertRoughly(elapsedMs(lines), 1000);
  }

  @Test
  void a3_scope_closesWhenTheLongestForkEnds() throws Exception {
    List<String> lines = run(new A3Scope());

    Map<String, Long> at = finishTimes(lines);
    assertThat(at.keySet()).containsExactly("scope-.1", "scope-.5", "scope-1");
    assertRoughly(at.get("scope-.1"), 100);
    assertRoughly(at.get("scope-.5"), 500);
    assertThat(lastLine(lines)).isEqualTo("scope-.1, scope-.5, scope-1");
    assertRoughly(elapsedMs(lines), 1000);
  }

  @Test
  void a4_results_sameStatusFromAwaitCallAndDelayedResult() throws Exception {
    List<String> lines = run(new A4Results());

    assertThat(lines).containsExactly(
        "async > Status 200: `Time to be awesome!`",
        "sync > Status 200: `Time to be awesome!`",
        "scope > Status 200: `Time to be awesome!`",
        "(200, Time to be awesome!)");
  }

  @Test
  void a5_passingResults_valueBeforeArrivalIsNotYetAvailable() throws Exception {
    List<String> lines = run(new A5PassingResults());

    assertThat(lines).hasSize(3);
    // The wording belongs to weft-core; check the part a reader needs.
    assertThat(lines.get(0)).startsWith("scope > result: ").contains("not yet available");
    assertThat(lines.get(1)).isEqualTo("scope > result: Status 200: `You are very awesome!`");
    assertThat(lastLine(lines)).isEqualTo("(200, You are very awesome!)");
  }

  @Test
  void a6_nestedScopes_laterOuterForkWaitsForTheInnerScope() throws Exception {
    List<String> lines = run(new A6NestedScopes());

    Map<String, Long> at = finishTimes(lines);
    assertThat(at.keySet()).containsExactly("outer-1", "inner-1", "outer-1.5", "inner-2", "outer-.5");
    assertRoughly(at.get("outer-1"), 1000);
    assertRoughly(at.get("inner-1"), 1000);
    assertRoughly(at.get("outer-1.5"), 1500);
    assertRoughly(at.get("inner-2"), 2000);
    assertRoughly(at.get("outer-.5"), 2500);
    // outer-.5 started only after the inner scope had closed.
    assertThat(at.get("outer-.5") - at.get("inner-2")).isGreaterThanOrEqualTo(475);
    assertThat(lastLine(lines)).isEqualTo("outer-.5");
    assertRoughly(elapsedMs(lines), 2500);
  }

  @Test
  void a7_rateLimiter_burstThenOneASecondAndTheGeneratorIsCancelled() throws Exception {
    List<String> lines = run(new A7RateLimiter());

    List<Long> sent = lines.stream()
        .map(AT::matcher)
        .filter(m -> m.matches() && m.group(1).equals("requesting"))
        .map(m -> Long.parseLong(m.group(2)))
        .sorted()
        .toList();
    assertThat(sent).hasSize(6);
    // The initial burst goes well before the first new token, then one request per token.
    assertThat(sent.subList(0, 3)).allSatisfy(ms -> assertThat(ms).isLessThan(500));
    assertRoughly(sent.get(3), 1000);
    assertRoughly(sent.get(4), 2000);
    assertRoughly(sent.get(5), 3000);
    assertThat(lines).contains("token generator: CANCELLED, its loop has ended: true");
    assertThat(lastLine(lines)).isEqualTo("3 at once, then 1, 1, 1");
    assertRoughly(elapsedMs(lines), 3000);
  }

  @Test
  void a8_failures_arriveWhereTheyAreAwaited() throws Exception {
    List<String> lines = run(new A8Failures());

    assertThat(lines).containsExactly(
        "blocking call: Actually, I'm good (caught IllegalStateException: Oh no!)",
        "async code: Actually, I'm good (caught IllegalStateException: Oh no!)",
        "scope, at block(): Actually, I'm good (caught IllegalStateException: Oh no!)",
        "scope closed without throwing it again",
        "scope, unawaited: thrown at close (IllegalStateException: Oh no!)",
        "at the call, at the await, at block(), at close");
  }

  @Test
  void examples_areAllRegistered() {
    assertThat(Examples.all())
        .extracting(Example::getClass)
        .contains(A1SyncCalls.class, A2AsyncCalls.class, A3Scope.class, A4Results.class,
            A5PassingResults.class, A6NestedScopes.class, A7RateLimiter.class, A8Failures.class);
    assertThat(Examples.find("a6")).get().isInstanceOf(A6NestedScopes.class);
  }




  /** Each echo's label and when it finished, in the order printed. */
  private static Map<String, Long> finishTimes(List<String> lines) {
    Map<String, Long> at = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = AT.matcher(line);
      if (m.matches()) {
        at.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return at;
  }

  /** Asserts {@code ms} ≈ {@code figureMs}: within -5% and +25% plus 150 ms. */
  private static void assertRoughly(long ms, long figureMs) {
    assertThat(ms)
        .as("%d ms ≈ %d ms", ms, figureMs)
        .isBetween(Math.round(figureMs * 0.95), Math.round(figureMs * 1.25 + 150));
  }
}

package dev.weft.examples.kubetorch;

import static dev.weft.examples.ExampleOutput.elapsedMs;
import static dev.weft.examples.ExampleOutput.lastLine;
import static dev.weft.examples.ExampleOutput.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.examples.Examples;
import dev.weft.remote.ComputeBackend;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubetorch examples (scenarios K1..K7) run on a back end, with checks of what they printed,
 * including the timing shapes: "≈ t" means at least 95% of t and at most 125% of t plus 150 ms.
 * Every example must leave no service running. A subclass names the back end (the examples deploy
 * to the standard one, which it sets), so each back end runs them with the same assertions.
 */
public abstract class KubetorchScenarios {
  private static final Pattern MS = Pattern.compile("(\\d+) ms");

  /** The back end the examples run on: the standard one while each example runs. */
  protected abstract ComputeBackend backend();

  /**
   * What a deployment takes on this back end beyond starting its worker (scheduling a pod, say),
   * added to the upper bound of K1's concurrent deployments. None for local processes.
   */
  protected long deployOverheadMs() {
    return 0;
  }

  @BeforeEach
  void deployToTheBackEnd() {
    ComputeBackend.useAsStandard(Optional.of(backend()));
  }

  @AfterEach
  void noServiceIsLeftRunning() {
    ComputeBackend.useAsStandard(Optional.empty());
    assertThat(backend().list()).as("services left running").isEmpty();
  }

  @Test
  void k1_concurrentDeployments_takeAboutTheSlowestNotTheSum() throws Exception {
    List<String> lines = run(new K1ConcurrentDeploy());

    assertThat(millis(lines.get(0))).as("toAsync returns at once: %s", lines.get(0)).isLessThan(1000);
    long dataReady = millis(line(lines, "datastep-processdata ready"));
    assertThat(dataReady).isGreaterThanOrEqualTo(1000);
    assertThat(millis(line(lines, "trainstep-trainmodel ready"))).isGreaterThanOrEqualTo(1500);
    assertThat(millis(line(lines, "evalstep-evaluatemodel ready"))).isGreaterThanOrEqualTo(2000);
    // One after another, the classes' loading alone would take 4.5 s, plus three worker starts.
    // What one start costs on this machine now shows in the first deployment: its time beyond
    // its 1 s of loading. (A fixed bound would fail on a loaded machine, where starts are slow.)
    long oneStart = dataReady - 1000;
    assertThat(elapsedMs(lines)).as("the sum would be at least 4.5 s + 3 starts of %d ms", oneStart)
        .isBetween(2000L, 4500L + 3 * oneStart + deployOverheadMs());
    assertThat(lastLine(lines)).isEqualTo("processData(21) = 42, trainModel(3) = model-3, evaluateModel(model-3) = 0.95");
  }

  @Test
  void k2_classByName_initArgsLogsAndGetIfExistsReusesTheProcess() throws Exception {
    List<String> lines = run(new K2ClassService());

    assertThat(lines).contains("  [k2-trainer] epoch 1: loss 0.500", "  [k2-trainer] epoch 2: loss 0.250",
        "  [k2-trainer] epoch 3: loss 0.125", "trained: Model[epochs=3, loss=0.125]");
    assertThat(lastLine(lines)).isEqualTo("reused k2-trainer: same process true, trainings 1, loss 0.125");
  }

  @Test
  void k3_syncByDefault_asyncPerCall_asyncDefault_perCallOverrideWins() throws Exception {
    List<String> lines = run(new K3CallModes());

    assertThat(millis(line(lines, "call(2) blocked"))).isGreaterThanOrEqualTo(300);
    assertThat(line(lines, "callAsync(3)")).endsWith("done: false");
    assertThat(millis(line(lines, "callAsync(3)"))).isLessThan(300);
    assertThat(line(lines, "invoke(4)")).endsWith("done: true");
    assertThat(millis(line(lines, "invoke(4)"))).isGreaterThanOrEqualTo(300);
    assertThat(line(lines, "invoke(5)")).endsWith("done: false");
    assertThat(millis(line(lines, "invoke(5)"))).isLessThan(300);
    assertThat(millis(line(lines, "call(6)"))).isGreaterThanOrEqualTo(300);
    assertThat(lastLine(lines)).isEqualTo("answers: [4, 9, 16, 25, 36]");
  }

  @Test
  void k4_threeGatheredAndTwentyConcurrentOneSecondCalls_eachTakeAboutOneSecond() throws Exception {
    List<String> lines = run(new K4ConcurrentCalls());

    assertThat(line(lines, "3 calls gathered")).startsWith("3 calls gathered: [10, 20, 30] in ");
    assertRoughly(millis(line(lines, "3 calls gathered")), 1000);
    assertRoughly(elapsedMs(lines), 1000);
    assertThat(lastLine(lines)).isEqualTo("20 concurrent calls: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, "
        + "130, 140, 150, 160, 170, 180, 190, 200]");
  }

  @Test
  void k5_fireAndForget_fetchFinishesWhileTrainingRuns_totalIsTheTraining() throws Exception {
    List<String> lines = run(new K5FireAndForget());

    assertThat(line(lines, "data [3, 1, 4, 1, 5] fetched")).endsWith("training done: false");
    assertRoughly(elapsedMs(lines), 900);
    assertThat(lastLine(lines)).isEqualTo("model after 3 epochs, data [3, 1, 4, 1, 5]");
  }

  @Test
  void k6_asyncOnTheLoop_syncOnVirtualThreads_blockingIsReported() throws Exception {
    List<String> lines = run(new K6ServerSide());

    assertThat(line(lines, "reported: ")).contains("weft-loop-0 was blocked").contains("K6ServerSide.badExample");
    assertThat(lastLine(lines)).isEqualTo("sync on weft-call (virtual), async on weft-loop-0, blocked loop reported: true");
  }

  @Test
  void k7_trainAndFetchDeployedAndCalledConcurrently() throws Exception {
    List<String> lines = run(new K7CompleteExample());

    assertRoughly(elapsedMs(lines), 2000);
    assertThat(lastLine(lines)).isEqualTo("{\"model\":{\"loss\":0.123,\"accuracy\":0.95},\"data\":{\"name\":\"iris\","
        + "\"rows\":150,\"features\":[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"]}}");
  }

  @Test
  void allSevenAreRegisteredInOrder() {
    assertThat(Examples.all().stream().map(e -> e.id()).filter(id -> id.startsWith("K")))
        .containsExactly("K1", "K2", "K3", "K4", "K5", "K6", "K7");
  }

  private static String line(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + lines));
  }

  /** The first {@code <n> ms} in a line. */
  private static long millis(String line) {
    Matcher m = MS.matcher(line);
    assertThat(m.find()).as("a duration in '%s'", line).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void assertRoughly(long ms, long figureMs) {
    assertThat(ms)
        .as("%d ms ≈ %d ms", ms, figureMs)
        .isBetween(Math.round(figureMs * 0.95), Math.round(figureMs * 1.25 + 150));
  }
}

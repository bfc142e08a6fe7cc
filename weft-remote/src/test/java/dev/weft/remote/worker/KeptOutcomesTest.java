package dev.weft.remote.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bounds of a worker's kept outcomes: count, characters, age, and outcomes too long to keep. */
class KeptOutcomesTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void keepsByIdUntilTheCountIsOver_thenDropsTheEldest() {
    KeptOutcomes kept = new KeptOutcomes(3, 1_000, Duration.ofMinutes(2), now::get);
    for (int i = 1; i <= 4; i++) {
      assertThat(kept.keep("id" + i, "value " + i)).isTrue();
    }
    assertThat(kept.get("id1")).isNull();
    assertThat(kept.get("id2")).isEqualTo("value 2");
    assertThat(kept.get("id4")).isEqualTo("value 4");
    assertThat(kept.size()).isEqualTo(3);
    assertThat(kept.get("unknown")).isNull();
  }

  @Test
  void keepsWithinItsCharacters_countingIdsToo() {
    KeptOutcomes kept = new KeptOutcomes(100, 40, Duration.ofMinutes(2), now::get);
    kept.keep("a", "value 111"); // 10 characters with its id
    kept.keep("b", "value 222");
    kept.keep("c", "value 333");
    kept.keep("d", "value 444");
    assertThat(kept.chars()).isEqualTo(40);
    kept.keep("e", "value 5");
    assertThat(kept.get("a")).isNull();
    assertThat(kept.get("b")).isEqualTo("value 222");
    assertThat(kept.chars()).isEqualTo(38);
  }

  @Test
  void dropsWhatIsOlderThanItsAge() {
    KeptOutcomes kept = new KeptOutcomes(100, 1_000, Duration.ofSeconds(120), now::get);
    kept.keep("old", "value 1");
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    kept.keep("young", "value 2");
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    assertThat(kept.get("old")).isNull();
    assertThat(kept.get("young")).isEqualTo("value 2");
    assertThat(kept.size()).isEqualTo(1);
    assertThat(kept.chars()).isEqualTo("young".length() + "value 2".length());
  }

  @Test
  void anOutcomeOverAQuarterOfTheBudgetIsNotKept_andFlushesNothing() {
    KeptOutcomes kept = new KeptOutcomes(100, 400, Duration.ofMinutes(2), now::get);
    kept.keep("small", "value 1");
    assertThat(kept.maxOutcomeChars()).isEqualTo(100);
    assertThat(kept.keep("large", "value " + "9".repeat(100))).isFalse();
    assertThat(kept.get("large")).isNull();
    assertThat(kept.get("small")).isEqualTo("value 1");
  }

  @Test
  void keepingAnIdAgainReplacesItsOutcome() {
    KeptOutcomes kept = new KeptOutcomes(100, 1_000, Duration.ofMinutes(2), now::get);
    kept.keep("id", "value 1");
    kept.keep("id", "value 22");
    assertThat(kept.get("id")).isEqualTo("value 22");
    assertThat(kept.size()).isEqualTo(1);
    assertThat(kept.chars()).isEqualTo("id".length() + "value 22".length());
  }
}

package dev.weft.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.IdempotencyKeyReusedException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory journal's side of the idempotency contract in {@link Journal#create}. */
final class InMemoryJournalTest {
  private final InMemoryJournal journal = new InMemoryJournal();

  private static NewRequest keyed(String key, String app, Object input) {
    return new NewRequest(key, app, input, Object.class, Optional.of(key));
  }

  @Test
  void create_sameKeySameApplicationEqualInput_returnsTheFirstRequest_notNew() {
    RequestLog first = journal.create(keyed("k", "app", List.of(1, 2)));
    RequestLog again = journal.create(keyed("k", "app", List.of(1, 2)));

    assertThat(first.isNew()).isTrue();
    assertThat(again.isNew()).isFalse();
    assertThat(again.requestId()).isEqualTo(first.requestId());
  }

  @Test
  void create_sameKeyArrayInputsWithEqualContent_areTheSameRequest() {
    journal.create(keyed("k", "app", new int[] {1, 2}));
    assertThat(journal.create(keyed("k", "app", new int[] {1, 2})).isNew()).isFalse();
  }

  @Test
  void create_sameKeyAnotherInput_throwsKeyReused_andKeepsTheFirst() {
    journal.create(keyed("k", "app", 1));

    assertThatThrownBy(() -> journal.create(keyed("k", "app", 2)))
        .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
          assertThat(e.key()).isEqualTo("k");
          assertThat(e.firstApplication()).isEqualTo("app");
        })
        .hasMessageContaining("another input");
    assertThat(journal.reopen("k").orElseThrow().input(Object.class)).isEqualTo(1);
  }

  @Test
  void create_sameKeyAnotherApplication_throwsKeyReused() {
    journal.create(keyed("k", "app", 1));

    assertThatThrownBy(() -> journal.create(keyed("k", "other", 1)))
        .isInstanceOf(IdempotencyKeyReusedException.class)
        .hasMessageContaining("of app, not of other");
  }

  @Test
  void create_keyOfAFinishedRequest_isStillChecked() {
    RequestLog first = journal.create(keyed("k", "app", 1));
    first.finished(dev.weft.RequestState.SUCCEEDED, 10, Integer.class, Optional.empty());

    assertThatThrownBy(() -> journal.create(keyed("k", "app", 2))).isInstanceOf(IdempotencyKeyReusedException.class);
    assertThat(journal.create(keyed("k", "app", 1)).isNew()).isFalse();
  }
}

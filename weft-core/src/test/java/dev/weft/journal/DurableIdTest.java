package dev.weft.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class DurableIdTest {
  @Test
  void ids_dependOnTheCallGraphOnly() {
    DurableId root = DurableId.root("App.main");
    assertThat(DurableId.root("App.main")).isEqualTo(root);
    assertThat(root.child(0, 'c', "Fn.a")).isEqualTo(root.child(0, 'c', "Fn.a"));
    assertThat(root.child(0, 'c', "Fn.a")).isNotEqualTo(root.child(1, 'c', "Fn.a"));
    assertThat(root.child(0, 'c', "Fn.a")).isNotEqualTo(root.child(0, 'm', "Fn.a"));
    assertThat(root.child(0, 'c', "Fn.a")).isNotEqualTo(root.child(0, 'c', "Fn.b"));
    assertThat(DurableId.root("App.other")).isNotEqualTo(root);
  }

  @Test
  void ids_ofAMillionSiblings_doNotCollide() {
    DurableId root = DurableId.root("App.main");
    Set<DurableId> seen = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(seen.add(root.child(i, 'i', "Fn.twice"))).isTrue();
    }
  }

  @Test
  void toString_isBothHalvesAsSixteenLowercaseHexDigits() {
    for (DurableId id : new DurableId[] {new DurableId(0, 0), new DurableId(-1, 1), new DurableId(0x0123456789abcdefL,
        Long.MIN_VALUE), DurableId.root("App.run").child(3, 'c', "App.step")}) {
      assertThat(id.toString()).isEqualTo(String.format("%016x%016x", id.hi(), id.lo()));
    }
  }

  @Test
  void toString_roundTrips() {
    DurableId id = DurableId.root("x").child(3, 'c', "y");
    assertThat(id.toString()).hasSize(32);
    assertThat(DurableId.parse(id.toString())).isEqualTo(id);
  }
}

package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

final class ProgressBarTest {

  @Test
  void render_halfDone_fillsHalfTheBarAndShowsCountsAndMessage() {
    assertThat(ProgressBar.render(7, 14, "indexed GPL-2", 12)).isEqualTo("[######......] 7/14 indexed GPL-2");
  }

  @Test
  void render_fractionalOrOverflowingCounts_areShownAndClamped() {
    assertThat(ProgressBar.render(1.5, 3, "", 4)).isEqualTo("[##..] 1.5/3");
    assertThat(ProgressBar.render(9, 3, null, 4)).isEqualTo("[####] 9/3");
    assertThat(ProgressBar.render(0, 0, " ", 4)).isEqualTo("[....] 0/0");
  }

  @Test
  void render_longMessage_isCut() {
    assertThat(ProgressBar.render(1, 2, "x".repeat(100), 2)).endsWith("x…").hasSize("[#.] 1/2 ".length() + 60);
  }

  @Test
  void update_shorterLine_blanksTheRestOfTheLongerOne_andFinishEndsTheLine() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 2, true);

    bar.update(1, 2, "a long message");
    bar.update(2, 2, "short");
    bar.finish();

    assertThat(text.toString()).isEqualTo("\r[#.] 1/2 a long message" + "\r[##] 2/2 short" + " ".repeat(9)
        + System.lineSeparator());
  }

  @Test
  void finish_nothingDrawn_printsNothing() {
    StringWriter text = new StringWriter();
    new ProgressBar(new PrintWriter(text), 2, true).finish();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void update_notATerminal_printsPlainLinesOnePerTenthAndTheLast() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 4, false);

    for (int i = 0; i <= 100; i++) {
      bar.update(i, 100, "item " + i);
    }
    bar.finish();

    assertThat(text.toString()).doesNotContain("\r");
    assertThat(text.toString().lines()).hasSize(11)
        .startsWith("[....] 0/100 item 0", "[....] 10/100 item 10")
        .endsWith("[####] 100/100 item 100");
  }
}

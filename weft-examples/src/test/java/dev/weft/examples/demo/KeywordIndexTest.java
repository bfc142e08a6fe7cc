package dev.weft.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ProgressUpdate;
import dev.weft.Request;
import dev.weft.RequestError;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

final class KeywordIndexTest {
  @Test
  void indexCorpus_licenses_ranksCharacteristicWordsPerDocument() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      Request<KeywordIndex.Report> request =
          runtime.submit(Weft.asyncFn(KeywordIndex::indexCorpus), new KeywordIndex.Job("licenses", 3));
      List<ProgressUpdate> updates = new CopyOnWriteArrayList<>();
      request.onProgress(updates::add);
      KeywordIndex.Report report = request.result();
      assertThat(report.documents()).isEqualTo(14);
      assertThat(report.corpus()).first().extracting(KeywordIndex.Keyword::word).isEqualTo("license");
      assertThat(report.byDocument()).containsKeys("GPL-3", "MPL-2.0", "Apache-2.0");
      assertThat(report.byDocument().get("BSD")).extracting(KeywordIndex.Keyword::word).contains("regents");
      assertThat(report.byDocument().get("LGPL-3")).first().extracting(KeywordIndex.Keyword::word).isEqualTo("library");
      assertThat(request.progress()).get().satisfies(p -> {
        assertThat(p.current()).isEqualTo(14.0);
        assertThat(p.total()).isEqualTo(14.0);
      });
    }
  }

  @Test
  void indexCorpus_unknownCorpus_failsTheRequestSayingWhatExists() {
    assertThatThrownBy(() -> Weft.run(Weft.asyncFn(KeywordIndex::indexCorpus), new KeywordIndex.Job("novels", 3)))
        .isInstanceOf(RequestError.class)
        .hasMessageContaining("'licenses'");
    assertThatThrownBy(() -> Weft.run(Weft.asyncFn(KeywordIndex::indexCorpus), new KeywordIndex.Job("licenses", 0)))
        .isInstanceOf(RequestError.class)
        .hasMessageContaining("top must be 1..50");
  }
}

package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class WeftClientTest {

  @Test
  void eventReader_readsNamedEventsSkippingCommentsAndJoiningDataLines() throws IOException {
    String stream = """
        : keep-alive

        event: accepted
        data: {"request_id":"r1"}

        event: progress
        data: {"current":1,
        data: "total":2}

        data: unnamed

        event: output
        data: 42
        """;
    WeftClient.EventReader reader = new WeftClient.EventReader(new BufferedReader(new StringReader(stream)));
    List<WeftClient.Event> events = new ArrayList<>();
    for (var e = reader.next(); e.isPresent(); e = reader.next()) {
      events.add(e.get());
    }

    assertThat(events).containsExactly(
        new WeftClient.Event("accepted", "{\"request_id\":\"r1\"}"),
        new WeftClient.Event("progress", "{\"current\":1,\n\"total\":2}"),
        new WeftClient.Event("message", "unnamed"));
    // "output" had no blank line after it: an incomplete event is dropped
  }

  @Test
  void segment_encodesEverythingButUnreservedCharacters() {
    assertThat(WeftClient.segment("a.b-c_d~e")).isEqualTo("a.b-c_d~e");
    assertThat(WeftClient.segment("a/b c?é")).isEqualTo("a%2Fb%20c%3F%C3%A9");
  }

  @Test
  void server_trailingSlash_isDropped() {
    assertThat(new WeftClient(URI.create("http://127.0.0.1:8080/"), Optional.empty()).server())
        .hasToString("http://127.0.0.1:8080");
  }
}

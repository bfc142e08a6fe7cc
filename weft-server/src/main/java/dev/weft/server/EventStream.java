package dev.weft.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent event stream (text/event-stream) over a chunked response: every event is
 * written and flushed as it is sent. Used by one thread; an {@link IOException} means the client
 * has gone.
 */
final class EventStream {
  private final Call call;

  EventStream(Call call) {
    this.call = call;
  }

  /** Sends {@code event: <name>} with {@code data} (JSON; one line, as {@link Json} writes it). */
  void send(String name, String data) throws IOException {
    StringBuilder frame = new StringBuilder(data.length() + name.length() + 16);
    frame.append("event: ").append(name).append('\n');
    // A payload line break would end the data field early; split it into data lines instead.
    for (String line : data.split("\r\n|\r|\n", -1)) {
      frame.append("data: ").append(line).append('\n');
    }
    frame.append('\n');
    write(frame.toString());
  }

  /** A comment line, which clients ignore: keeps idle connections (and proxies) open. */
  void comment(String text) throws IOException {
    write(": " + text + "\n\n");
  }

  private void write(String s) throws IOException {
    call.write(false, ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
  }
}

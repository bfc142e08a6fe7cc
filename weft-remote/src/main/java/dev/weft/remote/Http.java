package dev.weft.remote;

import java.net.http.HttpClient;
import java.time.Duration;

/** The one HTTP client this process talks to workers with (HTTP/1.1 on loopback; it pools connections). */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}
}

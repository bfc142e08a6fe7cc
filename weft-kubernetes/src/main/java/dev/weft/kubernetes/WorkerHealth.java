package dev.weft.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.weft.remote.Endpoint;
import dev.weft.transport.JsonCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a worker pod how it is, with the service's token: its process id (which tells a restarted
 * worker from the one a caller knew) and how long it has been idle (for the inactivity TTL).
 * Thread-safe; blocks at most a few seconds per question.
 */
final class WorkerHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final JsonCodec JSON = JsonCodec.standard();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();

  /** The part of a worker's health reply the back end reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Health(long pid, int inFlight, long idleMs) {}

  private WorkerHealth() {}

  /**
   * The worker's health, or empty if it does not answer 200 (gone, starting, hung, or another
   * token). A reply lost on a pooled connection is asked for once more, as the local back end does
   * (JDK-8357639); a refused connection or a timeout is an answer of its own.
   */
  static Optional<Health> of(Endpoint e) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(e.uri() + "/v1/health"))
        .header("Authorization", "Bearer " + e.token()).timeout(TIMEOUT).GET().build();
    for (int asked = 1; asked <= 2; asked++) {
      try {
        HttpResponse<String> reply = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
          return Optional.empty();
        }
        return Optional.of((Health) JSON.decode(reply.body(), Health.class));
      } catch (HttpTimeoutException | ConnectException e1) {
        return Optional.empty();
      } catch (IOException lost) {
        // ask again
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (RuntimeException unreadable) {
        return Optional.empty(); // not a Weft worker's reply
      }
    }
    return Optional.empty();
  }
}

package dev.weft.remote;

import java.net.URI;
import java.util.Objects;

/**
 * Where one replica of a service answers: its base URI, the bearer token its worker requires, and
 * the process it runs in. A record: immutable and thread-safe; {@link #toString()} leaves the
 * token out.
 *
 * @param uri the worker's base URI, such as {@code http://127.0.0.1:40123}
 * @param token the secret every request to the worker must carry
 * @param replica the replica's index, 0-based
 * @param pid the worker's process id, or -1 where a back end cannot tell
 */
public record Endpoint(URI uri, String token, int replica, long pid) {
  public Endpoint {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "Endpoint[" + uri + ", replica " + replica + ", pid " + pid + "]";
  }
}

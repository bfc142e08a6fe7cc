package dev.weft.journal;

import dev.weft.RequestState;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of the request listing, newest first.
 *
 * @param application only this application's requests, if given
 * @param state only requests in this state, if given
 * @param limit at most this many (1..1000)
 * @param after continue after this cursor (from {@link RequestPage#next()}), if given
 */
public record RequestQuery(Optional<String> application, Optional<RequestState> state, int limit, Optional<String> after) {
  /** Checks the fields. */
  public RequestQuery {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
    }
  }

  /** The first page of every request, {@code limit} at a time. */
  public static RequestQuery all(int limit) {
    return new RequestQuery(Optional.empty(), Optional.empty(), limit, Optional.empty());
  }
}

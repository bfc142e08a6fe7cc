package dev.weft.journal;

import java.util.List;
import java.util.Optional;

/**
 * One page of requests, newest first.
 *
 * @param requests the requests on this page
 * @param next the cursor of the next page, if there is one
 */
public record RequestPage(List<RequestInfo> requests, Optional<String> next) {
  /** Copies the list. */
  public RequestPage {
    requests = List.copyOf(requests);
  }
}

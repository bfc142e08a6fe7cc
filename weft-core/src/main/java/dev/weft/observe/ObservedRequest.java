package dev.weft.observe;

/** A request as an observer sees it when it starts; valid during the call that hands it over. */
public interface ObservedRequest {
  /** The request's id (its idempotency key, when it was given one). */
  String id();

  /** The name of the application the request runs. */
  String application();

  /** Whether it is a resumed or replayed run of an earlier request (recorded calls are not run again). */
  boolean resumed();
}

package dev.weft.journal;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import java.time.Instant;
import java.util.Optional;

/**
 * What is recorded of a request: a snapshot, immutable.
 *
 * @param id the request's id
 * @param application the application's name
 * @param state where it is
 * @param createdAt when it was accepted
 * @param finishedAt when it finished, if it has
 * @param progress the latest progress update, if any
 * @param errorType the class name of the failure, if it failed
 * @param errorMessage the failure's message, if it failed
 */
public record RequestInfo(
    String id,
    String application,
    RequestState state,
    Instant createdAt,
    Optional<Instant> finishedAt,
    Optional<ProgressUpdate> progress,
    Optional<String> errorType,
    Optional<String> errorMessage) {}

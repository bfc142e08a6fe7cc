package dev.weft.journal.postgres;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting for the writer thread. Values are already JSON (encoded on the caller's
 * thread); a nullable field is null where the column is NULL. Records bound to a request carry
 * the log they came from, whose lease epoch fences them.
 */
sealed interface Rec {

  /** Whether the writer commits as soon as it has this record, without waiting for company. */
  default boolean urgent() {
    return false;
  }

  /** A record of one request's log. */
  sealed interface Logged extends Rec {
    PgLog log();
  }

  /** A new request; {@code done} completes after the commit that holds it. */
  record Create(String id, String application, String inputJson, String key, String keyHash,
      CompletableFuture<Created> done) implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /**
   * The outcome of a {@link Create}: a new row, or the row that already had its id or key.
   *
   * @param keyHash the hash stored with the existing row (to tell a reused key)
   */
  record Created(boolean isNew, String id, String application, String keyHash, long seq, Instant createdAt) {}

  record Started(PgLog log, DurableId call, String callHex, String parentHex, String function, String argsJson)
      implements Logged {}

  /** A call's output; {@code outputJson} null when it could not be encoded ({@code pending} null then). */
  record Completed(PgLog log, DurableId call, String callHex, String function, String outputJson, String errorJson,
      OpenRequest.Pending pending) implements Logged {}

  /** A failed attempt; {@code failedTotal} is the call's failed attempts so far, this one included. */
  record AttemptFailed(PgLog log, DurableId call, String callHex, String function, String errorJson,
      boolean willRetry, int failedTotal) implements Logged {}

  record Progress(PgLog log, ProgressUpdate update) implements Logged {}

  /** The request finished; {@code status} is the overlay status it set, to retire it after commit. */
  record Finished(PgLog log, RequestState state, String outputJson, String errorJson, String errorType,
      String errorMessage, OpenRequest.Status status) implements Logged {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /** Completes after everything queued before it is committed. */
  record Flush(CompletableFuture<Void> done) implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /** Deletes expired finished requests now; completes with how many. */
  record Purge(CompletableFuture<Integer> done) implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /** The last record: commit and stop. */
  record Stop() implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }
}

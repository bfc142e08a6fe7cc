package dev.weft.journal.sqlite;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting for the writer thread. Values are already JSON (encoded on the caller's
 * thread, so the single writer spends its time in SQLite only); a nullable field is null where the
 * column is NULL. Records of one request keep the order their calls were made in.
 */
sealed interface Rec {

  /** Whether the writer commits as soon as it has executed this record, without waiting for company. */
  default boolean urgent() {
    return false;
  }

  /**
   * A new request; {@code done} completes after the commit that holds it. {@code hash} is the
   * {@link IdempotencyHash} kept beside {@code key} (both null without a key).
   */
  record Create(String id, String application, String inputJson, String key, String hash, long createdAt,
      CompletableFuture<Created> done) implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /**
   * The outcome of a {@link Create}: a new row, or the row that already had its id or key.
   *
   * @param seq the new row's paging sequence (0 when not new)
   * @param application the existing row's application (when not new)
   * @param hash the existing row's idempotency hash; null when new, without a key, or written
   *     before hashes were kept
   */
  record Created(boolean isNew, String id, long seq, String application, String hash) {}

  record Started(OpenRequest req, DurableId call, String callHex, String parentHex, String function,
      String argsJson, long at) implements Rec {}

  /**
   * A call's output. {@code outputJson} is null when the output could not be encoded; {@code
   * pending} is the overlay entry to mark committed afterwards (null in that case).
   */
  record Completed(OpenRequest req, DurableId call, String callHex, String function, String outputJson,
      String errorJson, long at, OpenRequest.Pending pending) implements Rec {}

  record AttemptFailed(OpenRequest req, DurableId call, String callHex, String function, String errorJson,
      boolean willRetry, long at) implements Rec {}

  record Progress(OpenRequest req, ProgressUpdate update) implements Rec {}

  /** The request finished; {@code status} is the overlay status it set, to retire it after commit. */
  record Finished(OpenRequest req, RequestState state, String outputJson, String errorJson, String errorType,
      String errorMessage, long at, OpenRequest.Status status) implements Rec {
    @Override
    public boolean urgent() {
      return true;
    }
  }

  /** A finished request runs again (replay); its entry call's output is cleared. */
  record Reopen(OpenRequest req, String entryHex) implements Rec {
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

package dev.weft.journal;

import dev.weft.WeftException;

/**
 * The journal cannot record now (its disk is full, its database unreachable, its write queue
 * full), so nothing new is accepted until it can; what it had accepted before is kept. Thrown by
 * {@link Journal#create} and by a {@code flush}; the journal recovers by itself once the cause is
 * gone. Over HTTP it is {@code 503 journal_unavailable}: the client may try again later.
 */
public final class JournalUnavailableException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** {@code message} says what the journal cannot do and why, without internal detail. */
  public JournalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

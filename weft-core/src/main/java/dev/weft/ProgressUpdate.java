package dev.weft;

import java.time.Instant;

/**
 * One progress update of a request, as reported through {@link RequestContext.Progress}.
 *
 * @param current how much is done
 * @param total how much there is
 * @param message what is being done; empty if none
 * @param at when it was reported
 */
public record ProgressUpdate(double current, double total, String message, Instant at) {}

/**
 * Weft's wire format: JSON with declared types, for the journal (call arguments and outputs), the
 * HTTP server (request inputs and outputs) and remote workers (call payloads and errors).
 *
 * <p>{@link dev.weft.transport.JsonCodec} writes and reads values by their declared Java type;
 * {@link dev.weft.transport.ErrorPayload} carries an exception across a process boundary and back.
 * Input that does not match its declared type is a {@link dev.weft.transport.TransportException};
 * an exception type that cannot be re-created is a {@link dev.weft.transport.RemoteException}.
 * Everything else in this package is an implementation detail. The format is specified in
 * docs/TRANSPORT.md.
 */
package dev.weft.transport;

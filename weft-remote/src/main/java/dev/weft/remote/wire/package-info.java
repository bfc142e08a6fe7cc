/**
 * The worker protocol, shared by the callers, the back ends and the worker: its paths, headers and
 * event lines with the JSON codec ({@link dev.weft.remote.wire.Wire}), the HTTP clients for
 * control requests and the TLS trust in workers ({@link dev.weft.remote.wire.Http}), and which
 * methods of a class service may be called ({@link dev.weft.remote.wire.ServiceMethods}).
 * docs/REMOTE.md describes the protocol.
 *
 * <p>Not API: may change between releases.
 */
package dev.weft.remote.wire;

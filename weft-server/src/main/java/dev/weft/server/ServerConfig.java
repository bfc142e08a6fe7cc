package dev.weft.server;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A server's validated options, as {@link WeftServer.Builder} made them.
 *
 * @param runtime where requests run
 * @param ownsRuntime whether the server built the runtime (and so closes it)
 * @param journal the runtime's journal, read for request records
 * @param ownsJournal whether the server opened the journal (and so closes it)
 * @param applications what is served
 * @param address where to listen
 * @param port the port, or empty for any free one
 * @param maxBodyBytes the largest request body accepted
 * @param token the bearer token /v1 requests need, if any
 */
record ServerConfig(
    WeftRuntime runtime,
    boolean ownsRuntime,
    Journal journal,
    boolean ownsJournal,
    Applications applications,
    InetAddress address,
    OptionalInt port,
    long maxBodyBytes,
    Optional<String> token) {}

package dev.weft.engine;

import dev.weft.BlockedEventLoopException;
import dev.weft.journal.Journal;
import java.time.Duration;
import java.util.function.Consumer;

/** A runtime's validated options (validated by {@code WeftRuntime.Builder}). */
public record EngineConfig(
    int eventLoops,
    Duration blockedLoopThreshold,
    boolean failOnBlockedLoop,
    Consumer<BlockedEventLoopException> blockedLoopListener,
    Journal journal) {}

/**
 * The embedded, durable journal: {@link dev.weft.journal.sqlite.SqliteJournal}, requests and
 * their calls in one SQLite file (WAL, one writer thread, group commit). Everything else in this
 * package is its package-private machinery; docs/JOURNAL.md describes the schema, the write and
 * read paths and what survives a crash.
 */
package dev.weft.journal.sqlite;

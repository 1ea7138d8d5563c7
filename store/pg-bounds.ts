/**
 * Bounds on waiting for PostgreSQL, so that a database that cannot answer makes a query fail with a
 * reason (which its caller logs and, for a call's progress, tries again) instead of holding it, its
 * connection and every query queued behind it.
 */

/**
 * How long a connection may take to open. Without a bound, a database host that has gone silent (a
 * network partition drops the packets; a server hung before its greeting) keeps a new connection
 * waiting for the operating system's TCP timeout, about two minutes on Linux, and every query behind
 * it with it: agents' commands and the API hang instead of failing. The pool's bound also covers a
 * query waiting for a free connection.
 */
export const PG_CONNECT_TIMEOUT_MS = 10_000;

/**
 * TCP keepalives on the pool's connections, first probe after this long idle: a connection whose
 * peer vanished is found dead and replaced rather than handed to the next query.
 */
export const PG_KEEPALIVE_DELAY_MS = 10_000;

/**
 * How long a statement may wait for a lock (`lock_timeout`). The server's own transactions hold their
 * locks for milliseconds; a lock held longer is someone else's (an administrator's `ALTER TABLE`,
 * `VACUUM FULL` or open transaction in psql on the live database), and every call's writes would
 * queue behind it, each holding one of the pool's connections until the pool was full.
 */
export const PG_LOCK_TIMEOUT_MS = 5_000;

/**
 * How long a session may sit in an open transaction doing nothing
 * (`idle_in_transaction_session_timeout`) before PostgreSQL ends it and frees its locks: the
 * server's transactions never wait on anything but the database, so one that does is stuck.
 */
export const PG_IDLE_IN_TRANSACTION_MS = 60_000;

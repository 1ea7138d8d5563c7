/**
 * How long a PostgreSQL connection may take to open. Without a bound, a database host that has gone
 * silent (a network partition drops the packets; a server hung before its greeting) keeps a new
 * connection waiting for the operating system's TCP timeout, about two minutes on Linux, and every
 * query behind it with it: agents' commands and the API hang instead of failing with a reason. The
 * pool's bound also covers a query waiting for a free connection: one that waits this long fails and
 * is tried again by its caller (a call's progress is retried until the database takes it).
 */
export const PG_CONNECT_TIMEOUT_MS = 10_000;

/**
 * TCP keepalives on the pool's connections, first probe after this long idle: a connection whose
 * peer vanished is found dead and replaced rather than handed to the next query.
 */
export const PG_KEEPALIVE_DELAY_MS = 10_000;

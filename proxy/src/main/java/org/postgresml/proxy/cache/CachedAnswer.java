package org.postgresml.proxy.cache;

/**
 * A backend's answer to one cacheable call, exactly as it came: RowDescription, DataRows and
 * CommandComplete, without the ReadyForQuery (the proxy adds an idle one when it replays them).
 * The array is never changed after it is made; replays wrap it without copying.
 */
record CachedAnswer(byte[] bytes) {}

package org.postgresml.proxy.admin;

import java.util.List;
import java.util.Optional;

/**
 * What the console answers to one query string, as PostgreSQL answers a simple query: the tables of
 * the statements that ran, then the error that stopped the rest, if any; and what must wait until
 * the client has all of it (SHUTDOWN ends every session, the console's own included: its reply goes
 * first).
 */
public record AdminReply(List<AdminTable> tables, Optional<Throwable> failure, List<Runnable> afterSent) {

  public AdminReply {
    tables = List.copyOf(tables);
    afterSent = List.copyOf(afterSent);
  }
}

package org.postgresml.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW SERVERS}: every upstream connection, with the client holding it. */
final class ShowServers implements AdminCommand {

  @Override
  public String syntax() {
    return "SHOW SERVERS";
  }

  @Override
  public String description() {
    return "server (upstream) connections";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return CompletableFuture.completedFuture(
        AdminTable.show(ConnectionColumns.NAMES, ConnectionColumns.rows(context.servers())));
  }
}

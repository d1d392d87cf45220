package org.postgresml.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW CLIENTS}: every client connection, with the server connection it holds. */
final class ShowClients implements AdminCommand {

  @Override
  public String syntax() {
    return "SHOW CLIENTS";
  }

  @Override
  public String description() {
    return "client connections";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return CompletableFuture.completedFuture(
        AdminTable.show(ConnectionColumns.NAMES, ConnectionColumns.rows(context.clients())));
  }
}

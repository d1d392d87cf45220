package org.postgresml.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHUTDOWN}: stops accepting clients and drains, as SIGTERM does. */
final class Shutdown implements AdminCommand {

  @Override
  public String syntax() {
    return "SHUTDOWN";
  }

  @Override
  public String description() {
    return "stop accepting clients and drain sessions, as SIGTERM";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    context.shutdown();
    return CompletableFuture.completedFuture(AdminTable.done("SHUTDOWN"));
  }
}

package org.postgresml.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code RESUME}: serves the clients held by {@code PAUSE}. */
final class Resume implements AdminCommand {

  @Override
  public String syntax() {
    return "RESUME";
  }

  @Override
  public String description() {
    return "serve clients again after PAUSE";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    context.resume();
    return CompletableFuture.completedFuture(AdminTable.done("RESUME"));
  }
}

package org.postgresml.proxy.admin;

import java.util.concurrent.CompletionStage;

/** {@code PAUSE}: waits until every server connection is released, then holds new clients. */
final class Pause implements AdminCommand {

  @Override
  public String syntax() {
    return "PAUSE";
  }

  @Override
  public String description() {
    return "wait for server connections to be released, then hold clients";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return context.pause().thenApply(ignored -> AdminTable.done("PAUSE"));
  }
}

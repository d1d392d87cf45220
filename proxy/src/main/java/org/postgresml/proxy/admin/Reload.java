package org.postgresml.proxy.admin;

import java.util.concurrent.CompletionStage;

/** {@code RELOAD}: re-reads the configuration file; sessions stay. */
final class Reload implements AdminCommand {

  @Override
  public String syntax() {
    return "RELOAD";
  }

  @Override
  public String description() {
    return "re-read the configuration without dropping sessions";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return context.reload().thenApply(ignored -> AdminTable.done("RELOAD"));
  }
}

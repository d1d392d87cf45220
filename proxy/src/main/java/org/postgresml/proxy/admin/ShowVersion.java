package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW VERSION}. */
final class ShowVersion implements AdminCommand {

  @Override
  public String syntax() {
    return "SHOW VERSION";
  }

  @Override
  public String description() {
    return "the proxy's version";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return CompletableFuture.completedFuture(
        AdminTable.show(List.of("version"), List.of(List.of(context.version()))));
  }
}

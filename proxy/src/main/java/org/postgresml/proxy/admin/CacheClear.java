package org.postgresml.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code CACHE CLEAR}: empties the answer cache of this proxy (counters stay). */
final class CacheClear implements AdminCommand {

  @Override
  public String syntax() {
    return "CACHE CLEAR";
  }

  @Override
  public String description() {
    return "empty the answer cache (a fleet: bump cache.generation instead)";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    context.clearCache();
    return CompletableFuture.completedFuture(AdminTable.done("CACHE CLEAR"));
  }
}

package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW POOLS}: one line per (database, user) pool, in PgBouncer's columns. */
final class ShowPools implements AdminCommand {

  private static final List<String> COLUMNS = List.of("database", "user", "cl_active", "cl_waiting",
      "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled",
      "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode");

  @Override
  public String syntax() {
    return "SHOW POOLS";
  }

  @Override
  public String description() {
    return "clients and server connections of each pool";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    List<List<String>> rows = context.pools().stream().map(pool -> List.of(
        pool.database(), pool.user(), n(pool.clientsActive()), n(pool.clientsWaiting()), "0", "0",
        n(pool.serversActive()), "0", "0", n(pool.serversIdle()), n(pool.serversUsed()), n(pool.serversTested()),
        n(pool.serversLogin()), n(pool.maxWaitMicros() / 1_000_000), n(pool.maxWaitMicros() % 1_000_000),
        pool.poolMode())).toList();
    return CompletableFuture.completedFuture(AdminTable.show(COLUMNS, rows));
  }

  private static String n(long value) {
    return Long.toString(value);
  }
}

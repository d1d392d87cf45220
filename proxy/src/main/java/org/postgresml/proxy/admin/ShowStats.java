package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW STATS}: totals per database since start, in PgBouncer's columns (times in microseconds). */
final class ShowStats implements AdminCommand {

  private static final List<String> COLUMNS = List.of("database", "total_xact_count", "total_query_count",
      "total_received", "total_sent", "total_xact_time", "total_query_time", "total_wait_time", "avg_xact_time",
      "avg_query_time");

  @Override
  public String syntax() {
    return "SHOW STATS";
  }

  @Override
  public String description() {
    return "transactions, queries, bytes and times per database";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    List<List<String>> rows = context.stats().stream().map(s -> List.of(s.database(), n(s.transactions()),
        n(s.queries()), n(s.bytesReceived()), n(s.bytesSent()), n(s.transactionMicros()), n(s.queryMicros()),
        n(s.waitMicros()), n(average(s.transactionMicros(), s.transactions())),
        n(average(s.queryMicros(), s.queries())))).toList();
    return CompletableFuture.completedFuture(AdminTable.show(COLUMNS, rows));
  }

  private static long average(long total, long count) {
    return count == 0 ? 0 : total / count;
  }

  private static String n(long value) {
    return Long.toString(value);
  }
}

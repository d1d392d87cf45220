package org.postgresml.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code SHOW CACHE}: a line per cached function (entries and bytes now; hits, misses, coalesced
 * waits, evictions and bypasses since start), then a line {@code *} with the totals, the budget,
 * the generation and the calls in flight.
 */
final class ShowCache implements AdminCommand {

  @Override
  public String syntax() {
    return "SHOW CACHE";
  }

  @Override
  public String description() {
    return "the answer cache: entries, bytes, hits, misses, coalesced, evictions per function";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    AdminContext.CacheInfo info = context.cache();
    List<List<String>> rows = new ArrayList<>();
    long[] total = new long[7];
    for (AdminContext.CacheFunctionInfo f : info.functions()) {
      long[] values = {f.entries(), f.bytes(), f.hits(), f.misses(), f.coalesced(), f.evictions(), f.bypassed()};
      List<String> row = new ArrayList<>(List.of(f.function(), Boolean.toString(f.shared())));
      for (int i = 0; i < values.length; i++) {
        row.add(Long.toString(values[i]));
        total[i] += values[i];
      }
      row.add(null);
      row.add(null);
      row.add(null);
      rows.add(row);
    }
    List<String> sum = new ArrayList<>(List.of("*", ""));
    for (long value : total) {
      sum.add(Long.toString(value));
    }
    sum.add(Long.toString(info.maxBytes()));
    sum.add(Long.toString(info.generation()));
    sum.add(Integer.toString(info.inFlight()));
    rows.add(sum);
    return CompletableFuture.completedFuture(AdminTable.show(List.of("function", "public", "entries", "bytes",
        "hits", "misses", "coalesced", "evictions", "bypassed", "max_bytes", "generation", "in_flight"), rows));
  }
}

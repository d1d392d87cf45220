package org.postgresml.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresml.testing.ClientPrograms;

/** The machine's pgbench against a running proxy, as the upstream's user. */
public final class Pgbench {

  private Pgbench() {
  }

  public static ClientPrograms.Result run(RunningProxy proxy, String password, String... arguments) {
    List<String> command = new ArrayList<>(List.of(ClientPrograms.require("pgbench").toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(proxy.port()), "-U", UpstreamDatabase.USER));
    command.addAll(List.of(arguments));
    command.add(UpstreamDatabase.DATABASE);
    return ClientPrograms.run(command, Map.of("PGPASSWORD", password, "PGSSLMODE", "disable",
        "PGCONNECT_TIMEOUT", "10"), Duration.ofSeconds(120));
  }

  /** The "number of transactions actually processed" of a run's report. */
  public static long transactionsProcessed(ClientPrograms.Result run) {
    return Long.parseLong(run.stdout().lines()
        .filter(line -> line.startsWith("number of transactions actually processed:"))
        .findFirst().orElseThrow().replaceAll(".*: (\\d+).*", "$1"));
  }
}

package org.postgresml.proxy.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.testing.ClientPrograms;

/** The machine's psql logged in to a running proxy's admin console (database pgml_proxy). */
final class AdminPsql {

  private final RunningProxy proxy;
  private final String user;
  private final String password;

  AdminPsql(RunningProxy proxy, String user, String password) {
    this.proxy = proxy;
    this.user = user;
    this.password = password;
  }

  /** Runs each command with its own -c in one session; errors do not stop the rest (psql's default). */
  ClientPrograms.Result run(String... commands) {
    List<String> command = new ArrayList<>(List.of(ClientPrograms.require("psql").toString(), "-h", "127.0.0.1",
        "-p", Integer.toString(proxy.port()), "-U", user, "-d", AdminConsole.DATABASE, "-X", "-A", "-F", "|",
        "-P", "footer=off", "-v", "VERBOSITY=verbose"));
    for (String sql : commands) {
      command.add("-c");
      command.add(sql);
    }
    return ClientPrograms.run(command, Map.of("PGPASSWORD", password, "PGSSLMODE", "disable",
        "PGCONNECT_TIMEOUT", "10"), Duration.ofSeconds(60));
  }

  /** One SHOW command's rows, each as column name to value (psql prints NULL as empty). */
  List<Map<String, String>> show(String sql) {
    ClientPrograms.Result result = run(sql);
    if (result.exitCode() != 0) {
      throw new AssertionError(sql + " failed: " + result.stderr());
    }
    List<String> lines = result.stdout().lines().toList();
    String[] header = lines.get(0).split("\\|", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split("\\|", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], i < values.length ? values[i] : null);
      }
      rows.add(row);
    }
    return rows;
  }
}

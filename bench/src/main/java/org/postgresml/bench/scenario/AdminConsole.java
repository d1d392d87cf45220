package org.postgresml.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.bench.target.Target;
import org.postgresml.testing.ClientPrograms;

/** pgml-proxy's admin console (database {@code pgml_proxy}) through psql, as an operator would read it. */
final class AdminConsole {

  static final String DATABASE = "pgml_proxy";
  private static final int MAX_LINES = 20;

  /** The totals line of {@code SHOW CACHE} (function {@code *}): what the proxy says it answered. */
  record CacheTotals(long hits, long misses, long coalesced) {}

  private AdminConsole() {}

  /** The command's rows as psql prints them unaligned, or why there are none. */
  static String show(Target target, String command) {
    String[] error = {""};
    String text = psql(target, command, " | ", error).orElseGet(() -> "failed: " + error[0]);
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(0, Math.min(MAX_LINES, lines.size())));
  }

  /** The hits, misses and coalesced calls of SHOW CACHE's totals line, when the proxy has one. */
  static Optional<CacheTotals> cacheTotals(Target target) {
    return psql(target, "SHOW CACHE", "|", new String[1]).flatMap(AdminConsole::totals);
  }

  static Optional<CacheTotals> totals(String unaligned) {
    List<Map<String, String>> rows = rows(unaligned, "|");
    return rows.stream().filter(row -> "*".equals(row.get("function"))).findFirst().flatMap(row -> {
      try {
        return Optional.of(new CacheTotals(Long.parseLong(row.get("hits")), Long.parseLong(row.get("misses")),
            Long.parseLong(row.get("coalesced"))));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    });
  }

  /** psql's unaligned output (a header line, then one line per row) as maps from column to value. */
  static List<Map<String, String>> rows(String unaligned, String separator) {
    List<String> lines = unaligned.strip().lines().filter(line -> !line.isBlank()).toList();
    List<Map<String, String>> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    String[] header = lines.get(0).split(java.util.regex.Pattern.quote(separator), -1);
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split(java.util.regex.Pattern.quote(separator), -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length && i < values.length; i++) {
        row.put(header[i].trim(), values[i].trim());
      }
      rows.add(row);
    }
    return rows;
  }

  /** psql's output, or empty with the reason in {@code error[0]}. */
  private static Optional<String> psql(Target target, String command, String separator, String[] error) {
    Map<String, String> env = target.endpoint().libpqEnvironment();
    env.put("PGDATABASE", DATABASE);
    try {
      ClientPrograms.Result result = ClientPrograms.run(List.of(ClientPrograms.require("psql").toString(), "-X",
          "-A", "-P", "footer=off", "-F", separator, "-c", command), env, Duration.ofSeconds(30));
      if (result.succeeded()) {
        return Optional.of(result.stdout());
      }
      error[0] = result.stderr().strip();
    } catch (IllegalStateException e) {
      error[0] = e.getMessage();
    }
    return Optional.empty();
  }
}

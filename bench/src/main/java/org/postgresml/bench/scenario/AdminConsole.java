package org.postgresml.bench.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.postgresml.bench.target.Target;
import org.postgresml.testing.ClientPrograms;

/** pgml-proxy's admin console (database {@code pgml_proxy}) through psql, as an operator would read it. */
final class AdminConsole {

  static final String DATABASE = "pgml_proxy";
  private static final int MAX_LINES = 20;

  private AdminConsole() {}

  /** The command's rows as psql prints them unaligned, or why there are none. */
  static String show(Target target, String command) {
    Map<String, String> env = target.endpoint().libpqEnvironment();
    env.put("PGDATABASE", DATABASE);
    try {
      ClientPrograms.Result result = ClientPrograms.run(List.of(ClientPrograms.require("psql").toString(), "-X",
          "-A", "-F", " | ", "-c", command), env, Duration.ofSeconds(30));
      String text = result.succeeded() ? result.stdout() : "failed: " + result.stderr();
      List<String> lines = text.strip().lines().toList();
      return String.join("\n", lines.subList(0, Math.min(MAX_LINES, lines.size())));
    } catch (IllegalStateException e) {
      return "failed: " + e.getMessage();
    }
  }
}

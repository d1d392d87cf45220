package org.postgresml.bench.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import org.postgresml.bench.BenchContext;

/**
 * Scenario 7: operator scale on the Fabric8 mock server (N = 100 and 500 PgmlProxy resources).
 * It needs the operator's reconciler on the classpath, which lives on its own branch; until that
 * lands the run says so in its results instead of pretending.
 */
public final class OperatorScale implements Scenario {

  private static final Path OPERATOR_CLASSES = Path.of("operator/target/classes");

  @Override
  public String id() {
    return "operator";
  }

  @Override
  public void run(BenchContext context) {
    String reason = Files.isDirectory(OPERATOR_CLASSES)
        ? "the operator is built, but its scale benchmark is not written yet (it needs the operator's reconciler API)"
        : "no operator build at " + OPERATOR_CLASSES + " (the operator module has not landed on this branch)";
    context.report().section("7. Operator scale (100 and 500 PgmlProxy resources on the Fabric8 mock server)")
        .text("Skipped: " + reason + ".");
  }
}

package org.postgresml.packaging;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * Lints and renders a chart with Helm's own Go library (bundled native build, works offline), so
 * the tests see exactly what {@code helm lint} and {@code helm template} would.
 */
final class ChartRenderer {

  static final String RELEASE = "pgml-proxy-operator";
  static final String NAMESPACE = "pgml-proxy-system";

  private final Path chart;

  ChartRenderer(Path chart) {
    this.chart = chart;
  }

  static ChartRenderer ofRepositoryChart() {
    return new ChartRenderer(RepositoryLayout.chart());
  }

  LintResult lint() {
    return new Helm(chart).lint().strict().call();
  }

  /** {@code helm template} with the chart's default values. */
  String template() {
    return template(null, Map.of());
  }

  /**
   * {@code helm template --namespace pgml-proxy-system [-f valuesFile] [--set k=v…]}; a template
   * or schema error surfaces as an {@link IllegalStateException} carrying Helm's message.
   */
  String template(Path valuesFile, Map<String, Object> sets) {
    var command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (var set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }
}

package org.postgresml.packaging;

/**
 * The plain-manifest install (for users without Helm): the chart rendered with deploy/values.yaml,
 * preceded by the Namespace it installs into. CRDs are not in it: they come from crds/ first.
 */
final class InstallManifest {

  private InstallManifest() {
  }

  static String render() {
    String rendered = ChartRenderer.ofRepositoryChart()
        .template(RepositoryLayout.installValues(), java.util.Map.of());
    return """
        # Generated from charts/pgml-proxy-operator with deploy/values.yaml by the packaging build; do not edit.
        # Re-render: ./mvnw -pl packaging -am verify -Dpackaging.sync=true
        # Install:   kubectl apply --server-side -f crds/ && kubectl apply -f deploy/pgml-proxy-operator.yaml
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            app.kubernetes.io/part-of: pgml-proxy
            # The operator's pods meet the restricted Pod Security Standard.
            pod-security.kubernetes.io/enforce: restricted
        """.formatted(ChartRenderer.NAMESPACE) + rendered.stripTrailing() + "\n";
  }
}

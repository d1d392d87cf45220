package org.postgresml.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the packaged files live in the repository; the one place that knows the layout. */
final class RepositoryLayout {

  static final String CHART_NAME = "pgml-proxy-operator";

  private RepositoryLayout() {
  }

  /** The repository root, handed in by surefire (works from the IDE too when run in packaging/). */
  static Path root() {
    String configured = System.getProperty("pgml.repository.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..");
    root = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("charts"))) {
      throw new IllegalStateException("not the repository root (no charts/): " + root);
    }
    return root;
  }

  static Path chart() {
    return root().resolve("charts").resolve(CHART_NAME);
  }

  static Path chartCrds() {
    return chart().resolve("crds");
  }

  static Path crds() {
    return root().resolve("crds");
  }

  /** The plain-manifest install rendered from the chart (kubectl apply -f crds/ then this file). */
  static Path installManifest() {
    return root().resolve("deploy").resolve(CHART_NAME + ".yaml");
  }

  /** The chart values used to render {@link #installManifest()}. */
  static Path installValues() {
    return root().resolve("deploy").resolve("values.yaml");
  }

  static Path examples() {
    return root().resolve("examples");
  }

  static Path dockerfile(String module) {
    return root().resolve(module).resolve("Dockerfile");
  }

  static Path configurationDoc() {
    return root().resolve("docs").resolve("configuration.md");
  }

  /** The Maven project version, handed in by surefire. */
  static String projectVersion() {
    String version = System.getProperty("pgml.project.version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException("system property pgml.project.version is not set (run through Maven)");
    }
    return version;
  }

  /** True when the build was asked to rewrite generated copies instead of failing on drift. */
  static boolean syncRequested() {
    return Boolean.parseBoolean(System.getProperty("packaging.sync", "false"));
  }
}

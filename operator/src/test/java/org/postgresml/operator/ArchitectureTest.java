package org.postgresml.operator;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.postgresml.testing.arch.PackageLayers;
import org.postgresml.testing.arch.PackageLayers.Layer;

/**
 * The operator's packages and the direction of their arrows, as the proxy's ArchitectureTest has
 * them: a layer uses the layers below it, never one above, and no package graph has a cycle. A new
 * package fails {@link #layers} until it is placed in {@link #LAYERS}.
 */
@AnalyzeClasses(packages = "org.postgresml.operator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "org.postgresml.operator";

  /** Bottom first. */
  private static final List<Layer> LAYERS = List.of(
      // The PgmlProxy resource model (the CRD comes from it), the operator's own settings, its meters.
      new Layer("foundation", "api", "config", "observe"),
      // What a resource renders into: Secret, Deployment, Service, the extras, the proxy's YAML.
      new Layer("render", "render"),
      // The inputs a render needs (the URL Secret, the limits) and the dependents that apply it.
      new Layer("parts", "validation", "dependent"),
      // The reconciler: the status, the conditions, the events.
      new Layer("reconciler", "reconciler"),
      // The JOSDK operator built from the reconciler, its dependents and the settings.
      new Layer("runtime", "runtime"),
      // The commands (run, render) and OperatorMain, which picks one.
      new Layer("cli", "cli"),
      new Layer("main", ""));

  @ArchTest
  static final ArchRule layers = PackageLayers.rule(ROOT, LAYERS);

  @ArchTest
  static final ArchRule noCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
}

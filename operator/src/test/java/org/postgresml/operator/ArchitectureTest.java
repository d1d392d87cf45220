package org.postgresml.operator;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;

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
  static final ArchRule layers = layered();

  @ArchTest
  static final ArchRule noCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  private static LayeredArchitecture layered() {
    LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .ensureAllClassesAreContainedInArchitecture();
    for (Layer layer : LAYERS) {
      architecture = architecture.layer(layer.name()).definedBy(layer.packageIdentifiers());
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream().map(Layer::name).toArray(String[]::new);
      architecture = above.length == 0 ? architecture.whereLayer(LAYERS.get(i).name()).mayNotBeAccessedByAnyLayer()
          : architecture.whereLayer(LAYERS.get(i).name()).mayOnlyBeAccessedByLayers(above);
    }
    return architecture;
  }

  /** A layer and its packages below {@link #ROOT} ("" is the root package itself, without its subpackages). */
  private record Layer(String name, String... packages) {

    String[] packageIdentifiers() {
      return Arrays.stream(packages).map(name -> name.isEmpty() ? ROOT : ROOT + "." + name + "..")
          .toArray(String[]::new);
    }
  }
}

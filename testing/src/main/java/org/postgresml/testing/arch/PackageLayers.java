package org.postgresml.testing.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;

/**
 * A module's packages as layers, bottom first: each layer may use the layers below it, never one
 * above, and every class must sit in a layer (a new package fails until it is placed). The proxy's
 * and the operator's ArchitectureTests each state their own layers with it.
 */
public final class PackageLayers {

  private PackageLayers() {}

  /** A layer and its packages below the root ("" is the root package itself, without its subpackages). */
  public record Layer(String name, String... packages) {}

  /** The rule for {@code layers} (bottom first) of the packages below {@code root}. */
  public static LayeredArchitecture rule(String root, List<Layer> layers) {
    LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .ensureAllClassesAreContainedInArchitecture();
    for (Layer layer : layers) {
      architecture = architecture.layer(layer.name()).definedBy(Arrays.stream(layer.packages())
          .map(name -> name.isEmpty() ? root : root + "." + name + "..").toArray(String[]::new));
    }
    for (int i = 0; i < layers.size(); i++) {
      String[] above = layers.subList(i + 1, layers.size()).stream().map(Layer::name).toArray(String[]::new);
      architecture = above.length == 0 ? architecture.whereLayer(layers.get(i).name()).mayNotBeAccessedByAnyLayer()
          : architecture.whereLayer(layers.get(i).name()).mayOnlyBeAccessedByLayers(above);
    }
    return architecture;
  }
}

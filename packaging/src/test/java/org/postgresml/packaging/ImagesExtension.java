package org.postgresml.packaging;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives image tests the {@link BuiltImages}: skips (or, under CI, fails) where buildah and
 * mmdebstrap are missing, builds both images once for the whole test run, and removes them at its end.
 */
final class ImagesExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ImagesExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    ImageTooling.requireOrSkip();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == BuiltImages.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The root store outlives every test class: one build per run, closed when the run ends.
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(BuiltImages.class, type -> BuiltImages.build(), BuiltImages.class);
  }
}

package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The image tests skip on a developer machine without the tools, and fail under CI instead. */
class ImageToolingTest {

  @Test
  void missingToolsSkipOnADeveloperMachine() {
    assertThatThrownBy(() -> ImageTooling.requireOrSkip(List.of("mmdebstrap"), true, false))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("mmdebstrap is not installed")
        .hasMessageContaining("apt-get install buildah mmdebstrap");
  }

  @Test
  void missingToolsOrRootFailUnderCi() {
    assertThatThrownBy(() -> ImageTooling.requireOrSkip(List.of("buildah"), true, true))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("CI=true").hasMessageContaining("buildah");
    assertThatThrownBy(() -> ImageTooling.requireOrSkip(List.of(), false, true))
        .isInstanceOf(AssertionError.class).hasMessageContaining("root");
  }

  @Test
  void nothingMissingRuns() {
    assertThatCode(() -> ImageTooling.requireOrSkip(List.of(), true, true)).doesNotThrowAnyException();
  }
}

package org.postgresml.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can build and run the images: buildah and mmdebstrap on the PATH, run as
 * root (vfs storage and chroot isolation as an unprivileged user would need user namespaces set up).
 * A developer machine without them skips the image tests with the reason; under CI (environment
 * {@code CI=true}, as {@code .ci/run} runs) the same gap fails, so a CI that cannot build the images
 * never looks green.
 */
final class ImageTooling {

  private ImageTooling() {
  }

  static void requireOrSkip() {
    List<String> missing = new ArrayList<>();
    for (String program : new String[] {"buildah", "mmdebstrap", "unshare", "mount"}) {
      if (!Processes.onPath(program)) {
        missing.add(program);
      }
    }
    requireOrSkip(missing, runningAsRoot(), "true".equalsIgnoreCase(System.getenv("CI")));
  }

  /** Skips (aborts) or, under CI, fails when a program is missing or the tests do not run as root. */
  static void requireOrSkip(List<String> missingPrograms, boolean root, boolean ci) {
    List<String> gaps = new ArrayList<>();
    missingPrograms.forEach(program -> gaps.add(program + " is not installed"));
    if (!root) {
      gaps.add("the tests do not run as root (buildah's vfs storage and chroot isolation need it)");
    }
    if (gaps.isEmpty()) {
      return;
    }
    String reason = "image build tests need buildah and mmdebstrap as root (Debian: apt-get install buildah"
        + " mmdebstrap; .ci/run installs them): " + String.join("; ", gaps);
    if (ci) {
      throw new AssertionError("CI=true, so the images must be built and run here, but " + reason);
    }
    Assumptions.abort("skipped: " + reason);
  }

  private static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}

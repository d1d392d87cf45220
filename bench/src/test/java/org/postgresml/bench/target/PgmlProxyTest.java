package org.postgresml.bench.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgmlProxyTest {

  @Test
  void aBaselineIsNamedAfterTheCommitInItsFileName() {
    assertThat(PgmlProxy.baseline(Path.of("/work/bench-baseline/pgml-proxy-16c52fa.jar"), Optional.empty()).name())
        .isEqualTo("pgml-proxy@16c52fa");
    assertThat(PgmlProxy.baseline(Path.of("old.jar"), Optional.empty()).name()).isEqualTo("pgml-proxy@baseline");
    assertThat(PgmlProxy.baseline(Path.of("old.jar"), Optional.of("pgml-proxy@before")).name())
        .isEqualTo("pgml-proxy@before");
  }

  @Test
  void aJarWithoutTheCachePackageIsSkippedWithTheReasonAndOneWithItIsNot(@TempDir Path dir) throws IOException {
    Path without = jar(dir.resolve("pgml-proxy-16c52fa.jar"), "org/postgresml/proxy/Main.class");
    Path with = jar(dir.resolve("pgml-proxy.jar"), "org/postgresml/proxy/cache/CallCache.class");

    PgmlProxy before = PgmlProxy.baseline(without, Optional.empty()).withCache();
    assertThat(before.name()).isEqualTo("pgml-proxy@16c52fa+cache");
    assertThat(before.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
        .startsWith("the proxy has no cache"));
    assertThat(PgmlProxy.baseline(without, Optional.empty()).unavailableReason()).isEmpty();

    PgmlProxy after = new PgmlProxy(with).withCache();
    assertThat(after.name()).isEqualTo("pgml-proxy+cache");
    assertThat(after.unavailableReason()).isEmpty();
    assertThat(after.describe(new PoolerSettings(PoolMode.SESSION, 8, 0, 100)))
        .contains("name: pgml.embed").contains("public: true");
  }

  private static Path jar(Path file, String entry) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry(entry));
      jar.write(new byte[] {1});
      jar.closeEntry();
    }
    return file;
  }
}

package org.postgresml.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * crds/ is committed so that kubectl, Helm and GitOps users get the CRD without building. It must
 * be exactly what the Java model generates: the build refreshes crds/ only after the tests, so a
 * model change without a refreshed copy fails here.
 */
class CrdDriftTest {

  private static final String FILE = "pgmlproxies.postgresml.org-v1.yml";

  @Test
  void committedCrdMatchesTheGeneratedOne() throws IOException {
    Path generated = Path.of(System.getProperty("crd.generated",
        "target/classes/META-INF/fabric8/" + FILE));
    Path committed = Path.of(System.getProperty("crd.committed.dir", "../crds")).resolve(FILE);

    assertThat(generated).as("the CRD generator's output").exists();
    assertThat(committed).as("the committed CRD").exists();
    assertThat(Files.readString(committed))
        .as("crds/%s differs from the CRD the Java model generates; refresh it with "
            + "`./mvnw -pl operator package -DskipTests` and commit it", FILE)
        .isEqualTo(Files.readString(generated));
  }
}

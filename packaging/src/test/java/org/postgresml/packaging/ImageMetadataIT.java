package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built images' configuration, read back with {@code buildah inspect} (what a registry and a
 * kubelet see, not the Dockerfile's text): the numeric user, the tini entrypoint, the exposed
 * ports, the JVM options of the read-only root, and the OCI labels, which must override those the
 * base image carries. Prints each image's size.
 */
@ExtendWith(ImagesExtension.class)
class ImageMetadataIT {

  private static final String OCI = "org.opencontainers.image.";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BuiltImages.PROXY, BuiltImages.OPERATOR})
  void imageConfigurationIsWhatTheDeploymentsRelyOn(String module, BuiltImages images) {
    Dockerfile dockerfile = Dockerfile.read(RepositoryLayout.dockerfile(module));
    JsonNode config = images.buildah().imageConfig(images.image(module));

    assertThat(config.path("User").asText()).isEqualTo("10001:10001").isEqualTo(dockerfile.user());
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(word -> entrypoint.add(word.asText()));
    assertThat(entrypoint).startsWith("/usr/bin/tini", "--", "java", "-jar").isEqualTo(dockerfile.entrypoint());
    Set<String> ports = new TreeSet<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    Set<Integer> expected = BuiltImages.PROXY.equals(module)
        ? ImageLayout.fromConfigurationDoc().ports() : dockerfile.exposedPorts();
    assertThat(ports).containsExactlyInAnyOrderElementsOf(expected.stream().map(port -> port + "/tcp").toList());
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(variable -> env.add(variable.asText()));
    assertThat(env).anySatisfy(variable -> assertThat(variable).startsWith("JAVA_TOOL_OPTIONS=")
        .contains("-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp"));

    JsonNode labels = config.path("Labels");
    assertThat(labels.path(OCI + "version").asText()).isEqualTo(RepositoryLayout.projectVersion());
    assertThat(labels.path(OCI + "source").asText()).startsWith("https://github.com/");
    assertThat(labels.path(OCI + "licenses").asText()).as("SPDX expression (or NOASSERTION)").isNotBlank();
    assertThat(labels.path(OCI + "title").asText()).isNotBlank();

    System.out.printf("image %s: %s, on the stand-in base %s (%s)%n", images.image(module),
        images.buildah().imageSize(images.image(module)), StandInBaseImages.BASES.get(1).image(),
        images.buildah().imageSize(StandInBaseImages.BASES.get(1).image()));
  }
}

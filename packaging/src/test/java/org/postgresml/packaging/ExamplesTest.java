package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.packaging.gitops.ArgoApplication;
import org.postgresml.packaging.gitops.FluxGitRepository;
import org.postgresml.packaging.gitops.FluxHelmRelease;
import org.postgresml.packaging.gitops.Kustomization;

/** Every YAML in examples/ is typed strictly: a misspelled field name fails the build. */
class ExamplesTest {

  static final StrictManifests MANIFESTS = new StrictManifests(List.of(PgmlProxy.class,
      ArgoApplication.class, FluxGitRepository.class, FluxHelmRelease.class, Kustomization.class));

  private static final CrdSchema PGML_PROXY_SCHEMA =
      CrdSchema.of(RepositoryLayout.crds().resolve("pgmlproxies.postgresml.org-v1.yml"), PgmlProxy.VERSION);

  static Stream<Path> exampleFiles() {
    return LocalFiles.files(RepositoryLayout.examples(), ".yaml", ".yml").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void parsesIntoTypedObjects(Path example) {
    assertThat(MANIFESTS.parse(example)).isNotEmpty();
  }

  @Test
  void aTypoInAPgmlProxyFieldFails() throws IOException {
    String basic = Files.readString(RepositoryLayout.examples().resolve("basic.yaml"));
    assertThat(basic).contains("urlSecretRef:");

    assertThatThrownBy(() -> MANIFESTS.parse(basic.replace("urlSecretRef:", "urlSecretRf:"), "basic.yaml with a typo"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("urlSecretRf");
  }

  /** What the typed parse cannot see (patterns, bounds), the CRD's own schema does. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void pgmlProxiesPassTheCrdSchema(Path example) throws IOException {
    for (JsonNode document : documents(Files.readString(example))) {
      if (document.path("kind").asText().equals("PgmlProxy")) {
        assertThat(PGML_PROXY_SCHEMA.problems(document)).as("%s against the CRD schema", example).isEmpty();
      }
    }
  }

  @Test
  void aValueTheCrdRejectsFails() throws IOException {
    String production = Files.readString(RepositoryLayout.examples().resolve("production.yaml"));
    assertThat(production).contains("queryWaitTimeout: 30s");

    JsonNode proxy = documents(production.replace("queryWaitTimeout: 30s", "queryWaitTimeout: 30 seconds")).stream()
        .filter(document -> document.path("kind").asText().equals("PgmlProxy")).findFirst().orElseThrow();
    assertThat(PGML_PROXY_SCHEMA.problems(proxy)).anyMatch(problem -> problem.contains("queryWaitTimeout"));
  }

  /** spec.cache's OpenAPI rules, on examples/cache.yaml with one value changed (CEL's are the operator's tests). */
  @ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "- name: pgml.embed|- name: embed",
      "- name: pgml.embed|- name: PGML.embed",
      "- name: pgml.embed|- name: pgml.embed(text)",
      "maxSize: 256MB|maxSize: 256 MB",
      "maxSize: 256MB|maxSize: 1TB",
      "maxSize: 256MB|maxSize: 256Mi",
      "ttl: 1h|ttl: 1 hour",
      "generation: 0|generation: -1",
      "generation: 0|generation: 1.5",
      "public: true|public: yes please"})
  void aCacheValueTheCrdRejectsFails(String valid, String invalid) throws IOException {
    String cache = Files.readString(RepositoryLayout.examples().resolve("cache.yaml"));
    assertThat(cache).contains(valid);
    JsonNode proxy = documents(cache.replace(valid, invalid)).stream()
        .filter(document -> document.path("kind").asText().equals("PgmlProxy")).findFirst().orElseThrow();

    assertThat(PGML_PROXY_SCHEMA.problems(proxy)).as(invalid).isNotEmpty();
  }

  @Test
  void aCacheOfSixtyFiveFunctionsFails() throws IOException {
    String cache = Files.readString(RepositoryLayout.examples().resolve("cache.yaml"));
    StringBuilder functions = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      functions.append("      - name: pgml.f").append(i).append('\n');
    }
    String tooMany = cache.replace("      - name: pgml.embed\n", functions.toString());
    JsonNode proxy = documents(tooMany).stream()
        .filter(document -> document.path("kind").asText().equals("PgmlProxy")).findFirst().orElseThrow();

    assertThat(PGML_PROXY_SCHEMA.problems(proxy)).anyMatch(problem -> problem.contains("functions"));
  }

  @Test
  void everyPgmlProxyReferencesASecretThatItsFileDefines() {
    for (Path example : List.of(RepositoryLayout.examples().resolve("basic.yaml"),
        RepositoryLayout.examples().resolve("production.yaml"), RepositoryLayout.examples().resolve("cache.yaml"))) {
      List<HasMetadata> objects = MANIFESTS.parse(example);
      PgmlProxy proxy = objects.stream().filter(PgmlProxy.class::isInstance).map(PgmlProxy.class::cast)
          .findFirst().orElseThrow();
      var url = proxy.getSpec().upstream.urlSecretRef;
      Secret secret = objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast)
          .filter(s -> s.getMetadata().getName().equals(url.name))
          .findFirst().orElseThrow(() -> new AssertionError(example + ": no Secret " + url.name));
      assertThat(secret.getStringData()).containsKey(url.key);
    }
  }

  /** Chart values given in the GitOps examples pass the chart's schema and render. */
  @Test
  void gitOpsChartValuesPassTheChartSchema(@TempDir Path temp) throws IOException {
    var yaml = new YAMLMapper();
    for (HasMetadata object : gitOpsObjects()) {
      Map<String, Object> values = null;
      if (object instanceof ArgoApplication application && application.getSpec().source.helm != null) {
        assertThat(RepositoryLayout.root().resolve(application.getSpec().source.path)).isEqualTo(RepositoryLayout.chart());
        values = application.getSpec().source.helm.valuesObject;
      } else if (object instanceof FluxHelmRelease release) {
        assertThat(RepositoryLayout.root().resolve(release.getSpec().chart.spec.chart).normalize())
            .isEqualTo(RepositoryLayout.chart());
        values = release.getSpec().values;
      }
      if (values != null) {
        Path file = temp.resolve(object.getKind() + ".yaml");
        yaml.writeValue(file.toFile(), values);
        assertThat(ChartRenderer.ofRepositoryChart().template(file, Map.of())).contains("kind: Deployment");
      }
    }
  }

  /** The Argo CD fleet Application points at a folder kustomize can build. */
  @Test
  void argoFleetPathHoldsAKustomization() {
    List<ArgoApplication> fleet = gitOpsObjects().stream()
        .filter(ArgoApplication.class::isInstance).map(ArgoApplication.class::cast)
        .filter(application -> application.getSpec().source.helm == null)
        .toList();

    assertThat(fleet).isNotEmpty().allSatisfy(application ->
        assertThat(RepositoryLayout.root().resolve(application.getSpec().source.path).resolve("kustomization.yaml")).exists());
  }

  /** kubectl's built-in kustomize builds examples/ and its output is typed (skipped without kubectl). */
  @Test
  void kustomizationBuilds() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed");
    Process process = new ProcessBuilder("kubectl", "kustomize", RepositoryLayout.examples().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();

    List<HasMetadata> objects = MANIFESTS.parse(output, "kubectl kustomize examples/");
    assertThat(objects).extracting(HasMetadata::getKind).contains("PgmlProxy");
    assertThat(objects).allSatisfy(object -> assertThat(object.getMetadata().getNamespace()).isEqualTo("pgml"));
  }

  /** NOTES.txt shows a PgmlProxy to paste; it must be as valid as the examples. */
  @Test
  void notesShowAValidPgmlProxy() throws IOException {
    String notes = Files.readString(RepositoryLayout.chart().resolve("templates").resolve("NOTES.txt"));
    int start = notes.indexOf("<<'YAML'\n");
    int end = notes.indexOf("\n  YAML", start);
    assertThat(start).isPositive();
    String pasted = notes.substring(start + "<<'YAML'\n".length(), end).replaceAll("(?m)^  ", "");

    assertThat(MANIFESTS.parse(pasted, "NOTES.txt")).singleElement().isInstanceOf(PgmlProxy.class);
    assertThat(PGML_PROXY_SCHEMA.problems(documents(pasted).get(0))).isEmpty();
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    var mapper = new YAMLMapper();
    try (var parser = mapper.getFactory().createParser(yaml)) {
      return mapper.readValues(parser, JsonNode.class).readAll();
    }
  }

  private static List<HasMetadata> gitOpsObjects() {
    return Stream.of("argocd", "flux")
        .flatMap(folder -> LocalFiles.files(RepositoryLayout.examples().resolve(folder), ".yaml").stream())
        .flatMap(file -> MANIFESTS.parse(file).stream())
        .toList();
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
  }
}

package org.postgresml.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.operator.OperatorMain;

class RenderCommandTest {

  static final String BASIC = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: pgml-cloud
        namespace: apps
      stringData:
        DATABASE_URL: postgres://u:file-secret-pw@db.example.test:6432/pgml_db
      ---
      apiVersion: postgresml.org/v1alpha1
      kind: PgmlProxy
      metadata:
        name: fleet
        namespace: apps
      spec:
        upstream:
          urlSecretRef: {name: pgml-cloud, key: DATABASE_URL}
        autoscaling: {minReplicas: 2, maxReplicas: 6}
        networkPolicy: {allowedCIDRs: [10.0.0.0/16]}
        monitoring: {serviceMonitor: true}
      """;

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {
  }

  static Run render(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = OperatorMain.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(Stream.concat(Stream.of("render"), Stream.of(args)).toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  static List<HasMetadata> parse(String yaml) {
    return new KubernetesSerialization().unmarshal(yaml);
  }

  @Test
  void printsEveryObjectAsTypedYamlWithSecretsRedacted() throws IOException {
    Path file = Files.writeString(dir.resolve("basic.yaml"), BASIC);
    Run run = render("-f", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    List<HasMetadata> objects = parse(run.out());
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Secret", "Secret", "Secret", "Deployment",
        "Service", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor");
    assertThat(objects.get(3)).isInstanceOf(Deployment.class);
    Secret clientAuth = (Secret) objects.get(1);
    assertThat(clientAuth.getData()).containsEntry("password", RenderCommand.REDACTED);
    Secret fleet = (Secret) objects.get(2);
    assertThat(fleet.getData()).containsEntry("secret", RenderCommand.REDACTED);
    assertThat(run.out()).doesNotContain("file-secret-pw");
  }

  @Test
  void showSecretsPrintsTheGeneratedPassword() throws IOException {
    Path file = Files.writeString(dir.resolve("basic.yaml"), BASIC);
    Run run = render("-f", file.toString(), "--show-secrets");
    Secret clientAuth = (Secret) parse(run.out()).get(1);
    assertThat(clientAuth.getData().get("password")).isNotEqualTo(RenderCommand.REDACTED).isBase64();
  }

  @Test
  void secretsMissingFromTheFileGetStandInsAndANote() throws IOException {
    Path file = Files.writeString(dir.resolve("gitops.yaml"), BASIC.substring(BASIC.indexOf("---") + 4));
    Run run = render("-f", file.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.err()).contains("Secret pgml-cloud is not in the file");
    assertThat(parse(run.out())).isNotEmpty();
  }

  @Test
  void aFileWithoutPgmlProxyFails() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
    assertThat(render("-f", file.toString()).exit()).isEqualTo(2);
  }

  @Test
  void everyExampleRenders() throws IOException {
    Path examples = Path.of("../examples");
    Assumptions.assumeTrue(Files.isDirectory(examples), "no examples/ in this checkout");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(examples)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).filter(RenderCommandTest::holdsPgmlProxy).toList();
    }
    Assumptions.assumeFalse(files.isEmpty(), "no PgmlProxy in examples/");
    for (Path example : files) {
      Run run = render("-f", example.toString());
      assertThat(run.exit()).as("%s: %s", example, run.err()).isZero();
      assertThat(parse(run.out())).as(example.toString()).isNotEmpty();
    }
  }

  private static boolean holdsPgmlProxy(Path file) {
    try {
      return Files.readString(file).contains("kind: PgmlProxy");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

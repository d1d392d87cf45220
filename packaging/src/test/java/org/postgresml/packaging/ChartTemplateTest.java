package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChartTemplateTest {

  private static final Path ALL_OPTIONS = Path.of("src/test/resources/all-options-values.yaml");
  private static final Set<String> RECOMMENDED_LABELS = Set.of(
      "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
      "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
      "helm.sh/chart");

  private final ChartRenderer chart = ChartRenderer.ofRepositoryChart();
  private final StrictManifests manifests = new StrictManifests();

  @Test
  void defaultValuesRenderAClusterWideOperator() {
    List<HasMetadata> objects = manifests.parse(chart.template(), "default values");

    assertThat(kinds(objects)).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(args(deployment)).contains("--leader-election=false");
    assertThat(args(deployment)).noneMatch(arg -> arg.startsWith("--namespaces"));
    assertRestricted(deployment);
  }

  @Test
  void everyOptionOnRendersEveryOptionalObject() {
    List<HasMetadata> objects = manifests.parse(chart.template(ALL_OPTIONS, Map.of()), "all options");

    assertThat(kinds(objects)).contains("ServiceAccount", "Deployment", "Service", "ServiceMonitor",
        "PodDisruptionBudget", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");
    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getMetadata().getName()).isEqualTo("pgml-operator");
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("pgml-operator-sa");
    assertThat(args(deployment)).contains("--namespaces=team-a,team-b", "--http-port=9090",
        "--default-image=registry.example.com/pgml/pgml-proxy:1.2.3");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/pgml/pgml-proxy-operator:1.2.3");
    assertRestricted(deployment);

    // A namespace list gets a Role and RoleBinding in each namespace, and no cluster-wide watch.
    assertThat(objects).filteredOn(Role.class::isInstance)
        .extracting(o -> o.getMetadata().getNamespace())
        .contains("team-a", "team-b");
    assertThat(objects).filteredOn(RoleBinding.class::isInstance)
        .extracting(o -> o.getMetadata().getNamespace())
        .contains("team-a", "team-b", ChartRenderer.NAMESPACE);
    assertThat(objects).filteredOn(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .flatMap(ClusterRole::getRules)
        .noneMatch(rule -> rule.getResources().contains("deployments") && rule.getVerbs().contains("create"));
  }

  @Test
  void moreThanOneReplicaTurnsLeaderElectionOn() {
    List<HasMetadata> objects = manifests.parse(chart.template(null, Map.of("replicaCount", 3)), "3 replicas");

    assertThat(args(only(objects, Deployment.class))).contains("--leader-election=true");
    assertThat(objects).filteredOn(Role.class::isInstance).map(Role.class::cast)
        .flatMap(Role::getRules)
        .anyMatch(rule -> rule.getResources().contains("leases"));
  }

  @Test
  void everyRenderedObjectCarriesTheRecommendedLabels() {
    for (String rendered : List.of(chart.template(), chart.template(ALL_OPTIONS, Map.of()))) {
      for (HasMetadata object : manifests.parse(rendered, "chart")) {
        assertThat(object.getMetadata().getLabels())
            .as("labels of %s %s", object.getKind(), object.getMetadata().getName())
            .containsKeys(RECOMMENDED_LABELS.toArray(String[]::new));
      }
    }
  }

  /** The all-options file is only a proof if it really sets every value the chart has. */
  @Test
  void allOptionsFileSetsEveryValueOfTheChart() throws IOException {
    var yaml = new YAMLMapper();
    Set<String> defaults = leafPaths(yaml.readTree(RepositoryLayout.chart().resolve("values.yaml").toFile()));
    Set<String> allOptions = leafPaths(yaml.readTree(ALL_OPTIONS.toFile()));

    for (String value : defaults) {
      assertThat(allOptions).as("all-options-values.yaml sets %s", value)
          .anyMatch(path -> path.equals(value) || path.startsWith(value + "."));
    }
  }

  static void assertRestricted(Deployment deployment) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (var container : pod.getContainers()) {
      var security = container.getSecurityContext();
      assertThat(security.getAllowPrivilegeEscalation()).isFalse();
      assertThat(security.getReadOnlyRootFilesystem()).isTrue();
      assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(container.getLivenessProbe()).isNotNull();
      assertThat(container.getReadinessProbe()).isNotNull();
    }
  }

  static List<String> args(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("objects of kind %s", type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  /** Dotted paths of the values (maps are walked, a list or a scalar is a leaf). */
  private static Set<String> leafPaths(JsonNode node) {
    Set<String> paths = new TreeSet<>();
    collect(node, "", paths);
    return paths;
  }

  private static void collect(JsonNode node, String prefix, Set<String> paths) {
    if (!node.isObject() || node.isEmpty()) {
      paths.add(prefix);
      return;
    }
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      collect(node.get(name), prefix.isEmpty() ? name : prefix + "." + name, paths);
    }
  }
}

package org.postgresml.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.dependent.ControllerReference;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.testing.Specimens;

/**
 * The guard against write loops while the ITs run without server-side apply: every object the
 * operator writes, sent as an apply to a simulated API server ({@link ServerSideApply}: applied
 * fields as managedFields, omitempty zero values dropped, server defaults), must then be judged
 * "matches" by JOSDK's own SSA matcher, or every reconcile writes it again.
 */
class ServerSideApplyReplayTest {

  static final String FIELD_MANAGER = "pgmlproxyreconciler";
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final RenderInputs INPUTS = new RenderInputs("registry.test/pgml-proxy:1.0.0", "pgml",
      Map.of("pgml-cloud", "0123abcd"), true);

  static Stream<Arguments> renderedObjects() {
    return Specimens.all().flatMap(specimen -> {
      PgmlProxy proxy = owned(specimen.getValue());
      return FleetRenderer.render(proxy, INPUTS, () -> "generated").stream()
          .map(object -> Arguments.of(specimen.getKey() + ": " + object.getKind() + " "
              + object.getMetadata().getName(), proxy, object));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderedObjects")
  void anAppliedObjectMatchesWhatItWasRenderedFrom(String name, PgmlProxy proxy, HasMetadata rendered) {
    HasMetadata desired = asJosdkSendsIt(rendered, proxy);
    HasMetadata stored = storedAfterApply(desired);

    assertThat(matcher().matches(stored, asJosdkSendsIt(rendered, proxy), context()))
        .as("JOSDK's SSA matcher on %s as the API server returns it after an apply:%n%s", name,
            SERIALIZATION.asYaml(stored))
        .isTrue();
  }

  /** The guard can fail: the two omitempty falses the operator used to render each loop. */
  @Test
  void anExplicitFalseOnAnOmitemptyFieldNeverMatches() {
    PgmlProxy proxy = owned(Specimens.allFeatures("loop"));
    for (HasMetadata rendered : FleetRenderer.render(proxy, INPUTS, () -> "generated")) {
      if (rendered instanceof Service service && service.getSpec().getClusterIP() != null) {
        service.getSpec().setPublishNotReadyAddresses(false);
        assertThat(matcher().matches(storedAfterApply(asJosdkSendsIt(service, proxy)),
            asJosdkSendsIt(service, proxy), context())).as("publishNotReadyAddresses: false").isFalse();
      }
      if (rendered instanceof Deployment deployment) {
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts()
            .forEach(mount -> mount.setReadOnly(Boolean.TRUE.equals(mount.getReadOnly())));
        assertThat(matcher().matches(storedAfterApply(asJosdkSendsIt(deployment, proxy)),
            asJosdkSendsIt(deployment, proxy), context())).as("readOnly: false").isFalse();
      }
    }
  }

  /** What a second apply of the same object stores is what the first stored: no drift either. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("renderedObjects")
  void applyingAgainChangesNothing(String name, PgmlProxy proxy, HasMetadata rendered) {
    Map<String, Object> applied = asMap(asJosdkSendsIt(rendered, proxy));
    Map<String, Object> first = ServerSideApply.apply(applied, null, FIELD_MANAGER);
    Map<String, Object> second = ServerSideApply.apply(applied, first, FIELD_MANAGER);
    withoutTimes(first);
    withoutTimes(second);
    assertThat(second).as(name).isEqualTo(first);
  }

  /** JOSDK adds the owner reference and its previous-version annotation before it applies or matches. */
  static HasMetadata asJosdkSendsIt(HasMetadata rendered, PgmlProxy proxy) {
    HasMetadata desired = SERIALIZATION.clone(rendered);
    ControllerReference.set(desired, proxy);
    desired.getMetadata().getAnnotations().put(InformerEventSource.PREVIOUS_ANNOTATION_KEY, "1234");
    return desired;
  }

  static HasMetadata storedAfterApply(HasMetadata desired) {
    Map<String, Object> stored = ServerSideApply.apply(asMap(desired), null, FIELD_MANAGER);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) stored.get("metadata");
    metadata.put("uid", "5e1f1b2c-0000-4000-8000-000000000001");
    metadata.put("resourceVersion", "1235");
    metadata.put("creationTimestamp", "2026-12-01T12:00:00Z");
    return SERIALIZATION.convertValue(stored, desired.getClass());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(HasMetadata object) {
    return SERIALIZATION.convertValue(object, Map.class);
  }

  @SuppressWarnings("unchecked")
  private static void withoutTimes(Map<String, Object> stored) {
    ((List<Map<String, Object>>) ((Map<String, Object>) stored.get("metadata")).get("managedFields"))
        .forEach(entry -> entry.remove("time"));
  }

  static PgmlProxy owned(PgmlProxy proxy) {
    proxy.getMetadata().setUid("0c7a3f4e-1111-4000-8000-" + String.format("%012d", Math.abs(proxy.getMetadata()
        .getName().hashCode())));
    return proxy;
  }

  @SuppressWarnings("unchecked")
  private static SSABasedGenericKubernetesResourceMatcher<HasMetadata> matcher() {
    return SSABasedGenericKubernetesResourceMatcher.getInstance();
  }

  private static io.javaoperatorsdk.operator.api.reconciler.Context<PgmlProxy> context() {
    return MatcherContext.of(FIELD_MANAGER, SERIALIZATION);
  }
}

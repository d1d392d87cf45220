package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The strict parser is what makes a typo fail; these show it does. */
class StrictManifestsTest {

  private final StrictManifests manifests = new StrictManifests();

  @Test
  void typesKnownKinds() {
    var objects = manifests.parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec:
          replicas: 2
          template:
            spec:
              containers: [{name: c, image: i, imagePullPolicy: Always}]
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        stringData: {DATABASE_URL: postgres://u@h/d}
        """, "test");

    assertThat(objects).hasSize(2);
    assertThat(((Deployment) objects.get(0)).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void failsOnAMisspelledNestedField() {
    assertThatThrownBy(() -> manifests.parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec:
          template:
            spec:
              containers: [{name: c, image: i, imagePullPolic: Always}]
        """, "test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("spec.template.spec.containers[0].imagePullPolic");
  }

  @Test
  void failsOnAValueOfTheWrongType() {
    assertThatThrownBy(() -> manifests.parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec: {replicas: two}
        """, "test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("replicas");
  }

  @Test
  void failsOnAKindWithoutModel() {
    assertThatThrownBy(() -> manifests.parse("""
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: a}
        """, "test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no typed model for Gadget");
  }
}

package org.postgresml.bench.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import org.junit.jupiter.api.Test;

class ClusterSideTest {

  @Test
  void rolledOutStatusHasEveryReplicaReadyForTheCurrentGeneration() {
    Deployment deployment = new DeploymentBuilder().withNewMetadata().withName("p").withGeneration(3L).endMetadata()
        .withNewSpec().withReplicas(2).endSpec().build();

    DeploymentStatus status = ClusterSide.rolledOut(deployment);

    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getUpdatedReplicas()).isEqualTo(2);
    assertThat(status.getAvailableReplicas()).isEqualTo(2);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }
}

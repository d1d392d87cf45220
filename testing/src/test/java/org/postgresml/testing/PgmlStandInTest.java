package org.postgresml.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgmlStandInTest {

  @Test
  void expectedEmbeddingIsDeterministicAndDependsOnItsInput() {
    float[] first = PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text");
    assertThat(first).hasSize(PgmlStandIn.DIMENSIONS).containsExactly(
        PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text"));
    assertThat(first).isNotEqualTo(PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "other text"));
    for (float value : first) {
      assertThat(value).isBetween(0f, 1f);
    }
  }
}

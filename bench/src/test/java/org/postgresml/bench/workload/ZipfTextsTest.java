package org.postgresml.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ZipfTextsTest {

  @Test
  void theExponentIsChosenSoTheExpectedHitRatioIsTheWantedOne() {
    for (double wanted : new double[] {0.5, 0.9}) {
      ZipfTexts texts = ZipfTexts.forHitRatio(100, wanted);
      assertThat(texts.expectedHitRatio()).isEqualTo(wanted, Offset.offset(1e-6));
      assertThat(texts.exponent()).isPositive();
      assertThat(texts.textSetSize()).isEqualTo(1000);
    }
    assertThat(ZipfTexts.forHitRatio(100, 0.9).exponent()).isGreaterThan(ZipfTexts.forHitRatio(100, 0.5).exponent());
  }

  @Test
  void sampledBatchesHitOnAverageWhatWasExpected() {
    ZipfTexts texts = ZipfTexts.forHitRatio(200, 0.5);
    double sum = 0;
    int batches = 300;
    for (int seed = 0; seed < batches; seed++) {
      sum += ZipfTexts.hitRatioOf(texts.ranks(seed));
    }
    assertThat(sum / batches).isEqualTo(0.5, Offset.offset(0.01));
  }

  @Test
  void zeroMeansEveryTextDistinct() {
    ZipfTexts texts = ZipfTexts.forHitRatio(50, 0);
    List<Integer> ranks = texts.ranks(7);
    assertThat(ranks).doesNotHaveDuplicates().hasSize(50);
    assertThat(ZipfTexts.hitRatioOf(ranks)).isZero();
    assertThat(texts.expectedHitRatio()).isZero();
  }

  @Test
  void theSameSeedGivesEveryTargetTheSameSequence() {
    ZipfTexts texts = ZipfTexts.forHitRatio(100, 0.9);
    assertThat(texts.ranks(3)).isEqualTo(texts.ranks(3)).isNotEqualTo(texts.ranks(4));
  }

  @Test
  void lowRanksAreTheFrequentOnes() {
    ZipfTexts texts = ZipfTexts.forHitRatio(100, 0.5);
    int[] counts = new int[texts.textSetSize()];
    for (int seed = 0; seed < 50; seed++) {
      texts.ranks(seed).forEach(rank -> counts[rank]++);
    }
    assertThat(counts[0]).isGreaterThan(counts[9]).isGreaterThan(counts[99]);
  }

  @Test
  void repeatsMarkEveryCallWhoseTextCameEarlier() {
    List<Integer> sequence = List.of(3, 1, 3, 3, 2, 1);
    assertThat(ZipfTexts.repeats(sequence)).containsExactly(false, false, true, true, false, true);
    assertThat(ZipfTexts.hitRatioOf(sequence)).isEqualTo(0.5);
    assertThat(ZipfTexts.texts("c1 r0", List.of(3, 1))).containsExactly("c1 r0 text #3", "c1 r0 text #1");
  }

  @Test
  void aHitRatioNoBatchCanHaveIsRefused() {
    assertThatThrownBy(() -> ZipfTexts.forHitRatio(10, 0.95)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZipfTexts.forHitRatio(10, -0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new ArrayList<>(ZipfTexts.forHitRatio(10, 0.9).ranks(1))).hasSize(10);
  }
}

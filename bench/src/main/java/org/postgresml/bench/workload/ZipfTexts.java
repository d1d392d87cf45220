package org.postgresml.bench.workload;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A batch of texts to embed whose repeats follow a Zipf law over a set of {@code 10 × calls} texts
 * (text of rank k drawn with probability ∝ 1/k^s), with the exponent s chosen so that the expected
 * share of calls whose text was already asked for in the batch (the hit ratio of a cold cache that
 * keeps everything) is the one wanted. A wanted ratio of 0 makes every text distinct.
 */
public final class ZipfTexts {

  /** Texts in the set per call of the batch: a long tail, as in a search box's queries. */
  static final int SET_PER_CALL = 10;

  private static final double MAX_EXPONENT = 30;

  private final int calls;
  private final double wantedHitRatio;
  private final double exponent;
  private final double[] cumulative;

  private ZipfTexts(int calls, double wantedHitRatio, double exponent) {
    this.calls = calls;
    this.wantedHitRatio = wantedHitRatio;
    this.exponent = exponent;
    this.cumulative = wantedHitRatio == 0 ? new double[0] : cumulative(calls * SET_PER_CALL, exponent);
  }

  /**
   * @param calls the batch's length
   * @param wantedHitRatio between 0 and 1 - 1/calls (all calls but the first one text)
   */
  public static ZipfTexts forHitRatio(int calls, double wantedHitRatio) {
    if (calls < 1 || wantedHitRatio < 0 || wantedHitRatio > 1 - 1.0 / calls) {
      throw new IllegalArgumentException("no Zipf batch of " + calls + " calls has a hit ratio of " + wantedHitRatio);
    }
    return new ZipfTexts(calls, wantedHitRatio, wantedHitRatio == 0 ? 0 : exponentFor(calls, wantedHitRatio));
  }

  public double exponent() {
    return exponent;
  }

  public int textSetSize() {
    return wantedHitRatio == 0 ? calls : calls * SET_PER_CALL;
  }

  /** The hit ratio expected of a batch drawn with this exponent (equal to the wanted one up to rounding). */
  public double expectedHitRatio() {
    return wantedHitRatio == 0 ? 0 : expectedHitRatio(calls * SET_PER_CALL, exponent, calls);
  }

  /**
   * The ranks of one batch, the same for every target given the same seed (each round has its own), so
   * every target sees the same sequence of repeats.
   */
  public List<Integer> ranks(long seed) {
    List<Integer> ranks = new ArrayList<>(calls);
    if (wantedHitRatio == 0) {
      for (int i = 0; i < calls; i++) {
        ranks.add(i);
      }
      return ranks;
    }
    Random random = new Random(seed);
    for (int i = 0; i < calls; i++) {
      ranks.add(rankOf(random.nextDouble()));
    }
    return ranks;
  }

  /** The texts for a batch's ranks, under a prefix of their own so that no earlier batch warmed a cache for them. */
  public static List<String> texts(String prefix, List<Integer> ranks) {
    return ranks.stream().map(rank -> prefix + " text #" + rank).toList();
  }

  /** The share of a batch's calls whose text came earlier in it: what a cold, unbounded cache would hit. */
  public static double hitRatioOf(List<?> sequence) {
    if (sequence.isEmpty()) {
      return 0;
    }
    return 1 - (double) new HashSet<>(sequence).size() / sequence.size();
  }

  /** Which calls of a batch repeat an earlier text (a cache's hits), by index. */
  public static boolean[] repeats(List<?> sequence) {
    boolean[] repeat = new boolean[sequence.size()];
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < sequence.size(); i++) {
      repeat[i] = !seen.add(sequence.get(i));
    }
    return repeat;
  }

  int rankOf(double uniform) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < uniform) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** 1 − E[distinct texts]/draws, with E[distinct] = Σ_k 1 − (1 − p_k)^draws. */
  static double expectedHitRatio(int setSize, double exponent, int draws) {
    double[] p = probabilities(setSize, exponent);
    double distinct = 0;
    for (double pk : p) {
      distinct += 1 - Math.pow(1 - pk, draws);
    }
    return 1 - distinct / draws;
  }

  /** The exponent whose expected hit ratio is the wanted one (it grows with the exponent: bisection). */
  static double exponentFor(int calls, double wantedHitRatio) {
    int setSize = calls * SET_PER_CALL;
    double low = 0;
    double high = MAX_EXPONENT;
    if (expectedHitRatio(setSize, low, calls) >= wantedHitRatio) {
      return low;
    }
    for (int i = 0; i < 100; i++) {
      double mid = (low + high) / 2;
      if (expectedHitRatio(setSize, mid, calls) < wantedHitRatio) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  private static double[] probabilities(int setSize, double exponent) {
    double[] p = new double[setSize];
    double sum = 0;
    for (int k = 0; k < setSize; k++) {
      p[k] = Math.pow(k + 1, -exponent);
      sum += p[k];
    }
    for (int k = 0; k < setSize; k++) {
      p[k] /= sum;
    }
    return p;
  }

  private static double[] cumulative(int setSize, double exponent) {
    double[] p = probabilities(setSize, exponent);
    double[] cumulative = new double[setSize];
    double running = 0;
    for (int k = 0; k < setSize; k++) {
      running += p[k];
      cumulative[k] = running;
    }
    cumulative[setSize - 1] = 1.0;
    return cumulative;
  }
}

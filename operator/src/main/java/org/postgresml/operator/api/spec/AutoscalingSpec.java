package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** A HorizontalPodAutoscaler on the fleet's CPU. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public class AutoscalingSpec {

  /** Without a default in the CRD: {@code {maxReplicas: 1}} must not fail on a minimum the user never set. */
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Fewest pods the autoscaler keeps. Absent: 2, or maxReplicas when that is smaller.")
  public Integer minReplicas;

  public static final int DEFAULT_MIN_REPLICAS = 2;

  /** What the autoscaler is given: minReplicas, else {@value #DEFAULT_MIN_REPLICAS} capped at maxReplicas. */
  public int effectiveMinReplicas() {
    return minReplicas != null ? minReplicas : Math.min(DEFAULT_MIN_REPLICAS, maxReplicas);
  }

  @Default("10")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most pods the autoscaler starts.")
  public Integer maxReplicas = 10;

  @Default("70")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Average CPU utilisation (percent of the CPU request) the autoscaler aims at.")
  public Integer targetCPUUtilizationPercentage = 70;
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** A HorizontalPodAutoscaler on the fleet's CPU. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public class AutoscalingSpec {

  @Default("2")
  @Min(1)
  @JsonPropertyDescription("Fewest pods the autoscaler keeps.")
  public Integer minReplicas = 2;

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

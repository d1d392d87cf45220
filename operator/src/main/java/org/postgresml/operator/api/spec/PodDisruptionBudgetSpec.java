package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The fleet's PodDisruptionBudget. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodDisruptionBudgetSpec {

  @Default("true")
  @JsonPropertyDescription("false: no PodDisruptionBudget.")
  public Boolean enabled = true;

  @Default("1")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription("Pods a voluntary disruption (node drain) may take down at once.")
  public Integer maxUnavailable = 1;
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** A NetworkPolicy that admits only the listed clients to the proxy port. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class NetworkPolicySpec {

  @Size(max = 100)
  @ValidationRule(value = ValidationPatterns.CIDRS_RULE, message = "networkPolicy.allowedCIDRs "
      + ValidationPatterns.CIDRS_MESSAGE)
  @JsonPropertyDescription("CIDRs (e.g. the RDS subnets) allowed to reach port 6432.")
  public List<String> allowedCIDRs = new ArrayList<>();

  @JsonPropertyDescription("Namespaces whose pods may reach port 6432 (all pods in them).")
  public LabelSelector allowedNamespaceSelector;

  @JsonPropertyDescription("Namespaces (e.g. monitoring) whose pods may scrape the metrics port 9930. "
      + "Absent: any namespace.")
  public LabelSelector metricsNamespaceSelector;
}

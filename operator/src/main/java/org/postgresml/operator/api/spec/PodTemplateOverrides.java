package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user may change on the proxy pods besides the container. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodTemplateOverrides {

  private static final String PREFERRED_WEIGHTS =
      "(!has(self.nodeAffinity) || !has(self.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution) "
      + "|| self.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 && t.weight <= 100))"
      + " && (!has(self.podAffinity) || !has(self.podAffinity.preferredDuringSchedulingIgnoredDuringExecution) "
      + "|| self.podAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 && t.weight <= 100))"
      + " && (!has(self.podAntiAffinity) || !has(self.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution) "
      + "|| self.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 "
      + "&& t.weight <= 100))";

  @Size(max = 64)
  @ValidationRule(value = ValidationPatterns.LABELS_RULE, message = "podTemplate.labels: "
      + ValidationPatterns.LABELS_MESSAGE)
  @JsonPropertyDescription("Labels added to the pods (the operator's own labels win).")
  public Map<String, String> labels = new LinkedHashMap<>();

  @Size(max = 64)
  @ValidationRule(value = ValidationPatterns.ANNOTATION_KEYS_RULE, message = "podTemplate.annotations: "
      + ValidationPatterns.ANNOTATION_KEYS_MESSAGE)
  @JsonPropertyDescription("Annotations added to the pods.")
  public Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("Node labels the pods must run on.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @Size(max = 64)
  @JsonPropertyDescription("Taints the pods tolerate.")
  public List<Toleration> tolerations = new ArrayList<>();

  // The embedded Kubernetes types have int32 fields that their schema leaves unbounded (a CRD integer
  // is int64): bounded here, so the API server refuses what the operator could not read.
  @ValidationRule(value = PREFERRED_WEIGHTS, message = "podTemplate.affinity: the weight of a preferred term "
      + "must be between 1 and 100")
  @JsonPropertyDescription("Affinity rules of the pods.")
  public Affinity affinity;

  @Size(max = 16)
  @ValidationRule(value = "self.all(c, c.maxSkew >= 1 && c.maxSkew <= 2147483647 && (!has(c.minDomains) "
      + "|| (c.minDomains >= 1 && c.minDomains <= 2147483647)))",
      message = "podTemplate.topologySpreadConstraints: maxSkew and minDomains must be between 1 and 2147483647")
  @JsonPropertyDescription("Replaces the default spread (across zones and nodes, ScheduleAnyway).")
  public List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("PriorityClass of the pods.")
  public String priorityClassName;

  @JsonPropertyDescription("ServiceAccount of the pods (the proxy needs no Kubernetes API access).")
  public String serviceAccountName;
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

  @JsonPropertyDescription("Labels added to the pods (the operator's own labels win).")
  public Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("Annotations added to the pods.")
  public Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("Node labels the pods must run on.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Taints the pods tolerate.")
  public List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Affinity rules of the pods.")
  public Affinity affinity;

  @JsonPropertyDescription("Replaces the default spread (across zones and nodes, ScheduleAnyway).")
  public List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("PriorityClass of the pods.")
  public String priorityClassName;

  @JsonPropertyDescription("ServiceAccount of the pods (the proxy needs no Kubernetes API access).")
  public String serviceAccountName;
}

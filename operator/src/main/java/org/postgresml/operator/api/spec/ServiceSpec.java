package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Service clients connect to. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.type == 'LoadBalancer' || !has(self.loadBalancerSourceRanges) "
    + "|| size(self.loadBalancerSourceRanges) == 0",
    message = "service.loadBalancerSourceRanges needs service.type LoadBalancer")
public class ServiceSpec {

  @Default("ClusterIP")
  @JsonPropertyDescription("ClusterIP (in-cluster clients), NodePort or LoadBalancer (e.g. an internal AWS NLB "
      + "for RDS in the same VPC; set the annotations for it).")
  public ServiceType type = ServiceType.ClusterIP;

  @Default("6432")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port of the Service (the pods always listen on 6432).")
  public Integer port = 6432;

  @JsonPropertyDescription("Annotations of the Service, e.g. "
      + "service.beta.kubernetes.io/aws-load-balancer-scheme: internal.")
  public Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("Labels added to the Service.")
  public Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("CIDRs allowed through the load balancer (type LoadBalancer only).")
  public List<String> loadBalancerSourceRanges = new ArrayList<>();

  @JsonPropertyDescription("Load balancer implementation (type LoadBalancer only), e.g. service.k8s.aws/nlb.")
  public String loadBalancerClass;
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
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
// 9930 is ContainerLayout.HTTP_PORT, the metrics port the same Service carries.
@ValidationRule(value = "!has(self.port) || self.port != 9930",
    message = "service.port 9930 is the proxies' metrics port on the same Service; choose another")
// Kubernetes lets loadBalancerClass be set only when a Service becomes a LoadBalancer, never changed.
@ValidationRule(value = "!has(oldSelf.type) || oldSelf.type != 'LoadBalancer' || self.type != 'LoadBalancer' "
    + "|| (has(self.loadBalancerClass) == has(oldSelf.loadBalancerClass) && (!has(self.loadBalancerClass) "
    + "|| self.loadBalancerClass == oldSelf.loadBalancerClass))",
    message = "service.loadBalancerClass cannot change while service.type stays LoadBalancer (Kubernetes keeps it "
        + "immutable); change the type away and back, or recreate the PgmlProxy")
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

  @Size(max = 64)
  @ValidationRule(value = ValidationPatterns.ANNOTATION_KEYS_RULE,
      message = "service.annotations: " + ValidationPatterns.ANNOTATION_KEYS_MESSAGE)
  @JsonPropertyDescription("Annotations of the Service, e.g. "
      + "service.beta.kubernetes.io/aws-load-balancer-scheme: internal.")
  public Map<String, String> annotations = new LinkedHashMap<>();

  @Size(max = 64)
  @ValidationRule(value = ValidationPatterns.LABELS_RULE, message = "service.labels: " + ValidationPatterns.LABELS_MESSAGE)
  @JsonPropertyDescription("Labels added to the Service.")
  public Map<String, String> labels = new LinkedHashMap<>();

  @Size(max = 100)
  @ValidationRule(value = ValidationPatterns.CIDRS_RULE, message = "service.loadBalancerSourceRanges "
      + ValidationPatterns.CIDRS_MESSAGE)
  @JsonPropertyDescription("CIDRs allowed through the load balancer (type LoadBalancer only).")
  public List<String> loadBalancerSourceRanges = new ArrayList<>();

  @JsonPropertyDescription("Load balancer implementation (type LoadBalancer only), e.g. service.k8s.aws/nlb.")
  public String loadBalancerClass;
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the user asks for: a proxy fleet in front of one PostgresML database. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "!has(self.autoscaling) || !has(self.resources) || (has(self.resources.requests) "
    + "&& 'cpu' in self.resources.requests)",
    message = "autoscaling needs resources.requests.cpu: the autoscaler's target is a percentage of the CPU request")
public class PgmlProxySpec {

  @Required
  @JsonPropertyDescription("Where PostgresML is: the Secret holding its connection URL, and how to verify it.")
  public UpstreamSpec upstream;

  @Default("2")
  @Min(0)
  @Max(1000)
  @SpecReplicas
  @JsonPropertyDescription("Number of proxy pods. This is the scale subresource (kubectl scale works); "
      + "when autoscaling is set, the HorizontalPodAutoscaler scales the PgmlProxy through it, "
      + "within the autoscaling bounds.")
  public Integer replicas = 2;

  @JsonPropertyDescription("Run a HorizontalPodAutoscaler on CPU. Absent: the fleet keeps spec.replicas.")
  public AutoscalingSpec autoscaling;

  @Default("{}")
  @JsonPropertyDescription("Server connection pool of each pod (pool size is per pod and per user/database).")
  public PoolSpec pool = new PoolSpec();

  @Default("{}")
  @JsonPropertyDescription("Who may connect to the proxy. By default the operator generates a user and a "
      + "password into an owned Secret named <name>-client-auth, once; it is never regenerated.")
  public ClientAuthSpec clientAuth = new ClientAuthSpec();

  @JsonPropertyDescription("Certificate the proxy presents to its clients. Absent: clients connect without TLS "
      + "(keep the Service internal then).")
  public TlsSpec tls;

  @JsonPropertyDescription("Answer repeated calls of allowed AI functions (pgml.embed) from each pod's memory. "
      + "Absent: no cache. Changing any of its settings (generation to empty the caches) reaches the running "
      + "pods without a restart.")
  public CacheSpec cache;

  @Default("{}")
  @JsonPropertyDescription("The Service that clients (RDS dblink/postgres_fdw) connect to.")
  public ServiceSpec service = new ServiceSpec();

  @Default("{}")
  @JsonPropertyDescription("The PodDisruptionBudget that keeps the fleet serving during node drains.")
  public PodDisruptionBudgetSpec podDisruptionBudget = new PodDisruptionBudgetSpec();

  @JsonPropertyDescription("Restrict who may reach the proxy with a NetworkPolicy. Absent: no NetworkPolicy.")
  public NetworkPolicySpec networkPolicy;

  @Default("{}")
  @JsonPropertyDescription("Prometheus scraping of the proxies' /metrics endpoint.")
  public MonitoringSpec monitoring = new MonitoringSpec();

  @JsonPropertyDescription("Proxy container image. Absent: the image of the proxy version this operator ships with.")
  public String image;

  @Default("IfNotPresent")
  @JsonPropertyDescription("When the kubelet pulls the image.")
  public PullPolicy imagePullPolicy = PullPolicy.IfNotPresent;

  @JsonPropertyDescription("Secrets with credentials for a private registry.")
  public List<LocalObjectReference> imagePullSecrets = new ArrayList<>();

  @ValidationRule(value = "(!has(self.requests) || self.requests.all(k, string(self.requests[k]).matches(r'"
      + ValidationPatterns.QUANTITY + "'))) && (!has(self.limits) || self.limits.all(k, "
      + "string(self.limits[k]).matches(r'" + ValidationPatterns.QUANTITY + "')))",
      message = "resources: requests and limits must be quantities such as 250m, 0.5, 128Mi or 1Gi")
  @JsonPropertyDescription("CPU and memory of the proxy container. Absent: requests of 100m CPU and 128Mi memory, "
      + "a 512Mi memory limit.")
  public ResourceRequirements resources;

  @Default("{}")
  @JsonPropertyDescription("Scheduling and metadata of the proxy pods.")
  public PodTemplateOverrides podTemplate = new PodTemplateOverrides();

  @Default("json")
  @JsonPropertyDescription("Log format of the proxies: json for log collectors, text for people.")
  public LogFormat logFormat = LogFormat.json;

  @Default("true")
  @JsonPropertyDescription("Whether the proxies log a line for each client session's start and end (PgBouncer's "
      + "log_connections and log_disconnections); errors are logged either way. Turn off for connect-per-call "
      + "traffic at hundreds of logins a second.")
  public boolean logConnections = true;

  @Default("30s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("After the shutdown grace, how long sessions still inside a transaction may finish "
      + "before they get 57P01 (each session is closed at its first transaction boundary); the pod's "
      + "terminationGracePeriodSeconds is the grace plus this plus a margin.")
  public String shutdownTimeout = "30s";

  @Default("5s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("On SIGTERM the proxy answers 503 on /readyz at once but goes on accepting clients this "
      + "long, while the Service and load balancers remove the pod (their lag must be shorter). Also the pods' "
      + "minReadySeconds, so a new pod is in rotation before the next old one stops.")
  public String shutdownGrace = "5s";

  @Default("false")
  @JsonPropertyDescription("true: the operator leaves the fleet's objects as they are (status is still updated).")
  public Boolean paused = false;

  /**
   * Set only on a spec the operator could not read ({@link org.postgresml.operator.api.UnreadableSpec}):
   * which field, and why. Not part of the CRD; serialised so that the mark survives JOSDK's copy of
   * the object for a reconciliation.
   */
  @SchemaFrom(type = void.class)
  @JsonProperty("x-pgml-proxy-unreadable")
  public String unreadable;
}

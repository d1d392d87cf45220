package org.postgresml.packaging.gitops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** The part of Flux's {@code HelmRelease} (helm.toolkit.fluxcd.io/v2) our examples use (see ArgoApplication). */
@Group("helm.toolkit.fluxcd.io")
@Version("v2")
@Kind("HelmRelease")
public class FluxHelmRelease extends CustomResource<FluxHelmRelease.Spec, Void> implements Namespaced {

  /** Flux's CRD policy values. */
  public enum CrdPolicy { Skip, Create, CreateReplace }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public String interval;
    public String releaseName;
    public String targetNamespace;
    public Install install;
    public Upgrade upgrade;
    public Chart chart;
    /** Chart values; checked against the chart's values.schema.json by the tests. */
    public Map<String, Object> values;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Install {
    public Boolean createNamespace;
    public CrdPolicy crds;
    public Remediation remediation;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Upgrade {
    public CrdPolicy crds;
    public Remediation remediation;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Remediation {
    public Integer retries;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Chart {
    public ChartSpec spec;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ChartSpec {
    public String chart;
    public String version;
    public String reconcileStrategy;
    public String interval;
    public SourceRef sourceRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SourceRef {
    public String kind;
    public String name;
    public String namespace;
  }
}

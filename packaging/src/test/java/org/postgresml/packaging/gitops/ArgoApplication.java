package org.postgresml.packaging.gitops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * The part of Argo CD's {@code Application} (argoproj.io/v1alpha1) that our examples use, named as
 * in Argo CD's API reference. Fabric8 has no Argo CD model; without one an example's typo (say
 * {@code syncPolicy.automatic}) would only surface when Argo CD rejects it. A field missing here
 * fails the test: add it from the reference, do not loosen the parser.
 */
@Group("argoproj.io")
@Version("v1alpha1")
@Kind("Application")
public class ArgoApplication extends CustomResource<ArgoApplication.Spec, Void> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public String project;
    public Source source;
    public Destination destination;
    public SyncPolicy syncPolicy;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Source {
    public String repoURL;
    public String targetRevision;
    public String path;
    public String chart;
    public Helm helm;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Helm {
    public String releaseName;
    /** Chart values as an object; checked against the chart's values.schema.json by the tests. */
    public Map<String, Object> valuesObject;
    public List<String> valueFiles;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Destination {
    public String server;
    public String name;
    public String namespace;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SyncPolicy {
    public Automated automated;
    public List<String> syncOptions;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Automated {
    public Boolean prune;
    public Boolean selfHeal;
  }
}

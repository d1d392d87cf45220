package org.postgresml.packaging.gitops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

/** The part of Flux's {@code GitRepository} (source.toolkit.fluxcd.io/v1) our examples use (see ArgoApplication). */
@Group("source.toolkit.fluxcd.io")
@Version("v1")
@Kind("GitRepository")
public class FluxGitRepository extends CustomResource<FluxGitRepository.Spec, Void> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public String interval;
    public String url;
    public Ref ref;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Ref {
    public String branch;
    public String tag;
    public String semver;
    public String commit;
  }
}

package org.postgresml.packaging.gitops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * The part of kustomize's {@code Kustomization} (kustomize.config.k8s.io/v1beta1) our examples use.
 * Its fields sit at the top level, not under spec, hence a plain HasMetadata.
 */
@Group("kustomize.config.k8s.io")
@Version("v1beta1")
@JsonInclude(JsonInclude.Include.NON_NULL)
// Like Fabric8's own models: bind this class directly, not through the kind-dispatching deserializer.
@JsonDeserialize(using = JsonDeserializer.None.class)
@JsonPropertyOrder({"apiVersion", "kind", "metadata"})
public class Kustomization implements HasMetadata {

  private String apiVersion = "kustomize.config.k8s.io/v1beta1";
  private String kind = "Kustomization";
  private ObjectMeta metadata;
  public String namespace;
  public List<String> resources;

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }
}

package org.postgresml.packaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Kubernetes YAML into typed Fabric8 objects and refuses anything it cannot type fully: a
 * kind without a model class, or a field the model does not know (a typo such as {@code replica:}
 * would otherwise vanish silently into Fabric8's additionalProperties or be ignored).
 */
final class StrictManifests {

  private final KubernetesSerialization serialization;
  private final ObjectMapper yaml = new YAMLMapper();

  StrictManifests(List<Class<? extends KubernetesResource>> extraKinds) {
    // A fresh mapper keeps Jackson's FAIL_ON_UNKNOWN_PROPERTIES on for model classes without an
    // any-setter (custom resource specs); Fabric8 leaves that setting alone.
    ObjectMapper mapper = new ObjectMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    serialization = new KubernetesSerialization(mapper, true);
    extraKinds.forEach(serialization::registerKubernetesResource);
  }

  StrictManifests() {
    this(List.of());
  }

  List<HasMetadata> parse(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a multi-document YAML stream, typed. */
  List<HasMetadata> parse(String multiDocumentYaml, String source) {
    List<HasMetadata> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(multiDocumentYaml)) {
      var documents = yaml.readValues(parser, JsonNode.class);
      int index = 0;
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        index++;
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        objects.add(typed(document, source + " document " + index));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read YAML of " + source, e);
    }
    return objects;
  }

  private HasMetadata typed(JsonNode document, String where) {
    String kind = document.path("kind").asText() + " (" + document.path("apiVersion").asText() + ")";
    KubernetesResource resource;
    try {
      resource = serialization.convertValue(document, KubernetesResource.class);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(where + ": " + kind + " does not match its model: " + e.getMessage(), e);
    }
    if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata)) {
      throw new AssertionError(where + ": no typed model for " + kind);
    }
    List<String> unknown = UnknownFields.of(resource);
    if (!unknown.isEmpty()) {
      throw new AssertionError(where + ": " + kind + " has fields its model does not know: " + unknown);
    }
    return (HasMetadata) resource;
  }
}

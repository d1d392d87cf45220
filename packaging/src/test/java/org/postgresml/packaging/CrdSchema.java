package org.postgresml.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The OpenAPI schema of a generated CRD version, applied as the API server would before CEL:
 * types, enums, patterns, bounds, required fields. (OpenAPI v3 schemas are JSON Schema draft 4
 * plus extensions; the x-kubernetes-* keywords are left to the API server.)
 */
final class CrdSchema {

  private final Schema schema;

  private CrdSchema(Schema schema) {
    this.schema = schema;
  }

  static CrdSchema of(Path crdFile, String version) {
    JsonNode crd;
    try {
      crd = new YAMLMapper().readTree(crdFile.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode served : crd.path("spec").path("versions")) {
      if (served.path("name").asText().equals(version)) {
        JsonNode openApi = served.path("schema").path("openAPIV3Schema");
        return new CrdSchema(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApi));
      }
    }
    throw new AssertionError(crdFile + " has no version " + version);
  }

  /** Messages naming the offending path; empty when the object is valid. */
  List<String> problems(JsonNode object) {
    return schema.validate(object).stream().map(Error::toString).toList();
  }
}

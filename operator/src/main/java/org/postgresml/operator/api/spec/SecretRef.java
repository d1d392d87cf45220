package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A whole Secret in the PgmlProxy's namespace, read by its well-known keys. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SecretRef {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret (same namespace as the PgmlProxy).")
  public String name;

  public SecretRef() {
  }

  public SecretRef(String name) {
    this.name = name;
  }
}

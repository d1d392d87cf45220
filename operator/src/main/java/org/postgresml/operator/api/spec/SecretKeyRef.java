package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the PgmlProxy's namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SecretKeyRef {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret (same namespace as the PgmlProxy).")
  public String name;

  @Required
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("Key inside the Secret's data.")
  public String key;

  public SecretKeyRef() {
  }

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One entry of {@code cache.functions}: a function whose results the proxies may answer from memory. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class CacheFunctionSpec {

  @Required
  @Pattern(ValidationPatterns.FUNCTION_NAME)
  @JsonPropertyDescription("Schema-qualified function name in lower case, as in the statement (pgml.embed). "
      + "Allow only functions whose result depends on their arguments alone: pgml.embed, and pgml.transform "
      + "only for tasks you know to be deterministic.")
  public String name;

  @Default("false")
  @JsonProperty("public")
  @JsonPropertyDescription("true: one result is shared by every user of a database; false: each user has its own.")
  public Boolean isPublic = false;

  public CacheFunctionSpec() {
  }

  public CacheFunctionSpec(String name, boolean isPublic) {
    this.name = name;
    this.isPublic = isPublic;
  }
}

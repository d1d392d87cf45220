package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** libpq's sslmode values that the proxy accepts for its upstream connections. */
public enum SslMode {
  @JsonProperty("disable") DISABLE("disable"),
  @JsonProperty("prefer") PREFER("prefer"),
  @JsonProperty("require") REQUIRE("require"),
  @JsonProperty("verify-ca") VERIFY_CA("verify-ca"),
  @JsonProperty("verify-full") VERIFY_FULL("verify-full");

  private final String value;

  SslMode(String value) {
    this.value = value;
  }

  /** The spelling of the proxy's flag and YAML. */
  public String value() {
    return value;
  }
}

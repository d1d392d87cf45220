package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the proxy checks its clients' passwords. */
public enum ClientAuthMethod {
  @JsonProperty("scram-sha-256") SCRAM_SHA_256("scram-sha-256"),
  @JsonProperty("md5") MD5("md5");

  private final String value;

  ClientAuthMethod(String value) {
    this.value = value;
  }

  /** The spelling of the proxy's flag and YAML. */
  public String value() {
    return value;
  }
}

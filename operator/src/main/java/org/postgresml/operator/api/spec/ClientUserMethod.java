package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the proxy checks one listed user: a password exchange, or trust (no password, as pg_hba.conf's trust). */
public enum ClientUserMethod {
  @JsonProperty("scram-sha-256") SCRAM_SHA_256("scram-sha-256"),
  @JsonProperty("md5") MD5("md5"),
  @JsonProperty("trust") TRUST("trust");

  private final String value;

  ClientUserMethod(String value) {
    this.value = value;
  }

  /** The spelling of the proxy's YAML. */
  public String value() {
    return value;
  }
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.postgresml.proxy.config.model.ConfigWords;

/** How the proxy checks one listed user: a password exchange, or trust (no password, as pg_hba.conf's trust). */
public enum ClientUserMethod {
  @JsonProperty(ConfigWords.SCRAM_SHA_256) SCRAM_SHA_256(ConfigWords.SCRAM_SHA_256),
  @JsonProperty(ConfigWords.MD5) MD5(ConfigWords.MD5),
  @JsonProperty(ConfigWords.TRUST) TRUST(ConfigWords.TRUST);

  private final String value;

  ClientUserMethod(String value) {
    this.value = value;
  }

  /** The spelling of the proxy's YAML. */
  public String value() {
    return value;
  }
}

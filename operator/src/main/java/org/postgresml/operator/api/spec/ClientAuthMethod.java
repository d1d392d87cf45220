package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.postgresml.proxy.config.model.ConfigWords;

/** How the proxy checks its clients' passwords. */
public enum ClientAuthMethod {
  @JsonProperty(ConfigWords.SCRAM_SHA_256) SCRAM_SHA_256(ConfigWords.SCRAM_SHA_256),
  @JsonProperty(ConfigWords.MD5) MD5(ConfigWords.MD5);

  private final String value;

  ClientAuthMethod(String value) {
    this.value = value;
  }

  /** The spelling of the proxy's flag and YAML. */
  public String value() {
    return value;
  }
}

package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** The certificate the proxy presents to its clients (YAML section {@code tls}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TlsSpec {

  @Required
  @JsonPropertyDescription("Secret of type kubernetes.io/tls (keys tls.crt and tls.key), e.g. from cert-manager. "
      + "Mounted at /etc/pgml-proxy/tls/.")
  public SecretRef secretRef;

  @Default("false")
  @JsonPropertyDescription("true: refuse clients that do not ask for TLS.")
  public Boolean required = false;
}

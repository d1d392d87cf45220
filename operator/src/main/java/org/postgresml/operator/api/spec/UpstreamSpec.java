package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The PostgresML database the fleet relays to. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class UpstreamSpec {

  @Required
  @JsonPropertyDescription("Secret key holding the PostgresML connection URL "
      + "(postgres://user:password@host:port/database?sslmode=...). It reaches the proxy as the environment "
      + "variable DATABASE_URL; changing the Secret rolls the pods.")
  public SecretKeyRef urlSecretRef;

  @Default("require")
  @JsonPropertyDescription("TLS to PostgresML: disable, prefer, require, verify-ca or verify-full "
      + "(the last two check the certificate against caSecretRef, else the system trust store).")
  public SslMode sslMode = SslMode.REQUIRE;

  @JsonPropertyDescription("Secret key holding the CA certificate (PEM) that signs PostgresML's certificate. "
      + "Mounted at /etc/pgml-proxy/upstream-ca/ca.crt.")
  public SecretKeyRef caSecretRef;

  @Default("10s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a new connection to PostgresML may take.")
  public String connectTimeout = "10s";
}

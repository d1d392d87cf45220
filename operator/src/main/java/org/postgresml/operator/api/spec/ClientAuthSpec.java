package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.proxy.config.model.ConfigWords;

/** Who may connect to the proxy (YAML section {@code clientAuth}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ClientAuthSpec {

  @Default(ConfigWords.SCRAM_SHA_256)
  @JsonPropertyDescription("Password check of clients: scram-sha-256 or md5.")
  public ClientAuthMethod method = ClientAuthMethod.SCRAM_SHA_256;

  @JsonPropertyDescription("Secret with the keys 'username' and 'password' (type kubernetes.io/basic-auth) "
      + "clients log in with. Absent: the operator generates <name>-client-auth once and never regenerates it.")
  public SecretRef secretRef;

  @Default("pgml")
  @Pattern("^[a-zA-Z_][a-zA-Z0-9_]{0,62}$")
  @JsonPropertyDescription("User name written into a generated Secret (ignored with secretRef).")
  public String username = "pgml";

  @JsonPropertyDescription("More users, each with its own method (scram-sha-256, md5, trust) and optional CIDR, "
      + "as pg_hba.conf lines; the user of secretRef (or the generated Secret) stays the first.")
  public List<ClientUserSpec> users = new ArrayList<>();
}

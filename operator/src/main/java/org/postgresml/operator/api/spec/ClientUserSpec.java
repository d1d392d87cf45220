package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import org.postgresml.proxy.config.model.ConfigWords;

/** One entry of {@code clientAuth.users}: a user with its own login method, as a pg_hba.conf line. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "(has(self.method) && self.method == 'trust') || has(self.passwordSecretRef)",
    message = "clientAuth.users: passwordSecretRef is required unless method is trust")
@ValidationRule(value = "!has(self.method) || self.method != 'trust' || has(self.address)",
    message = "clientAuth.users: a trust user needs an address (the pods listen on every interface)")
public class ClientUserSpec {

  @Required
  @Pattern("^[a-zA-Z_][a-zA-Z0-9_]{0,62}$")
  @JsonPropertyDescription("User name clients log in with.")
  public String name;

  @Default(ConfigWords.SCRAM_SHA_256)
  @JsonPropertyDescription("This user's login method: scram-sha-256, md5 or trust (no password).")
  public ClientUserMethod method = ClientUserMethod.SCRAM_SHA_256;

  @Pattern(ValidationPatterns.CIDR)
  @JsonPropertyDescription("Only clients from this CIDR (e.g. 10.0.4.0/24) may log in as this user.")
  public String address;

  @JsonPropertyDescription("Key of a Secret holding this user's password (required unless method is trust).")
  public SecretKeyRef passwordSecretRef;
}

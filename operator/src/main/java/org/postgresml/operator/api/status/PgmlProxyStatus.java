package org.postgresml.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed, and what the user runs next. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PgmlProxyStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription("Proxy pods that exist (the scale subresource reads it).")
  public Integer replicas;

  @JsonPropertyDescription("Proxy pods that pass their readiness probe.")
  public Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the proxy pods (the scale subresource and HPA use it).")
  public String selector;

  @JsonPropertyDescription("Where clients connect.")
  public Endpoint endpoint;

  @JsonPropertyDescription("SQL to run once on the database that calls PostgresML (e.g. RDS). The password is not "
      + "in it: read it from the Secret named in clientCredentialsSecret.")
  public String connectSql;

  @JsonPropertyDescription("Secret with the 'username' and 'password' clients log in with.")
  public String clientCredentialsSecret;

  @JsonPropertyDescription("Ready, Progressing and Degraded (and MonitoringSkipped), each with a reason.")
  public List<Condition> conditions = new ArrayList<>();
}

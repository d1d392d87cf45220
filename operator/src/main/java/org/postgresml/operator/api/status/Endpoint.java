package org.postgresml.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The address clients use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoint {

  @JsonPropertyDescription("DNS name of the Service inside the cluster.")
  public String host;

  @JsonPropertyDescription("Port of the Service.")
  public Integer port;

  @JsonPropertyDescription("Address of the load balancer (host name or IP) once it has one; RDS outside the "
      + "cluster connects here.")
  public String loadBalancer;
}

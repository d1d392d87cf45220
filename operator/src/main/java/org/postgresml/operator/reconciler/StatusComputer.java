package org.postgresml.operator.reconciler;

import static org.postgresml.operator.reconciler.ConditionTypes.*;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.status.Endpoint;
import org.postgresml.operator.api.status.PgmlProxyStatus;
import org.postgresml.operator.render.ConnectSqlRenderer;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.validation.InputsResolver;
import org.postgresml.operator.validation.SpecProblem;

/**
 * Computes the status from what was observed. A condition keeps its lastTransitionTime while its
 * status stays the same, so an unchanged fleet yields an equal status (and no write).
 */
public final class StatusComputer {

  private final Clock clock;

  public StatusComputer(Clock clock) {
    this.clock = clock;
  }

  /** The fleet could be rendered; describe its Deployment and Service. */
  public PgmlProxyStatus healthy(PgmlProxy proxy, InputsResolver.Resolved resolved,
      Optional<Deployment> deployment, Optional<Service> service) {
    PgmlProxyStatus status = base(proxy);
    int desired = deployment.map(d -> d.getSpec().getReplicas()).orElse(0);
    int replicas = deployment.map(d -> d.getStatus() == null ? null : d.getStatus().getReplicas()).orElse(0);
    int ready = deployment.map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas()).orElse(0);
    int updated = deployment.map(d -> d.getStatus() == null ? null : d.getStatus().getUpdatedReplicas()).orElse(0);
    boolean observed = deployment.map(d -> d.getStatus() != null && d.getStatus().getObservedGeneration() != null
        && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()).orElse(false)
        || deployment.map(d -> d.getMetadata().getGeneration() == null).orElse(false);
    status.replicas = replicas;
    status.readyReplicas = ready;

    Endpoint endpoint = new Endpoint();
    endpoint.host = FleetNames.serviceHost(proxy);
    endpoint.port = proxy.getSpec().service.port;
    endpoint.loadBalancer = service.flatMap(StatusComputer::loadBalancerAddress).orElse(null);
    status.endpoint = endpoint;
    status.connectSql = ConnectSqlRenderer.render(proxy,
        endpoint.loadBalancer != null ? endpoint.loadBalancer : endpoint.host, endpoint.port,
        resolved.upstream().database(), resolved.inputs().clientUsername());

    boolean rolledOut = deployment.isPresent() && observed && updated >= desired && replicas == desired;
    boolean paused = Boolean.TRUE.equals(proxy.getSpec().paused);
    List<Condition> conditions = new ArrayList<>();
    if (desired == 0 && deployment.isPresent()) {
      conditions.add(condition(proxy, READY, false, REASON_SCALED_TO_ZERO, "The fleet has 0 replicas."));
    } else if (ready >= desired && deployment.isPresent()) {
      conditions.add(condition(proxy, READY, true, REASON_FLEET_READY,
          ready + " of " + desired + " proxies ready at " + endpoint.host + ":" + endpoint.port + "."));
    } else {
      conditions.add(condition(proxy, READY, false, REASON_ROLLING_OUT,
          ready + " of " + desired + " proxies ready."));
    }
    if (paused) {
      conditions.add(condition(proxy, PROGRESSING, false, REASON_PAUSED,
          "spec.paused is true: the operator leaves the fleet's objects as they are."));
    } else {
      conditions.add(rolledOut
          ? condition(proxy, PROGRESSING, false, REASON_ROLLED_OUT, "The fleet runs the current configuration.")
          : condition(proxy, PROGRESSING, true, REASON_ROLLING_OUT, "Rolling out " + desired + " proxies."));
    }
    conditions.add(condition(proxy, DEGRADED, false, REASON_AS_EXPECTED, "No problem found."));
    if (proxy.getSpec().monitoring.serviceMonitor && !resolved.inputs().serviceMonitorSupported()) {
      conditions.add(condition(proxy, MONITORING_SKIPPED, true, REASON_SERVICE_MONITOR_CRD_MISSING,
          "spec.monitoring.serviceMonitor is true but the cluster has no ServiceMonitor CRD "
              + "(Prometheus Operator); no ServiceMonitor was created."));
    }
    status.conditions = keepTransitionTimes(proxy, conditions);
    return status;
  }

  /** The fleet cannot be rendered as specified; existing objects are left running. */
  public PgmlProxyStatus degraded(PgmlProxy proxy, SpecProblem problem) {
    PgmlProxyStatus status = base(proxy);
    PgmlProxyStatus previous = proxy.getStatus();
    if (previous != null) {
      status.replicas = previous.replicas;
      status.readyReplicas = previous.readyReplicas;
      status.endpoint = previous.endpoint;
      status.connectSql = previous.connectSql;
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(proxy, READY, false, problem.reason(), problem.message()));
    conditions.add(condition(proxy, PROGRESSING, false, problem.reason(),
        "Changes are not rolled out until the problem is fixed."));
    conditions.add(condition(proxy, DEGRADED, true, problem.reason(), problem.message()));
    status.conditions = keepTransitionTimes(proxy, conditions);
    return status;
  }

  private static PgmlProxyStatus base(PgmlProxy proxy) {
    PgmlProxyStatus status = new PgmlProxyStatus();
    status.observedGeneration = proxy.getMetadata().getGeneration();
    status.selector = FleetNames.selector(proxy);
    status.clientCredentialsSecret = FleetNames.clientAuthSecret(proxy);
    return status;
  }

  private static Optional<String> loadBalancerAddress(Service service) {
    if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return Optional.empty();
    }
    return service.getStatus().getLoadBalancer().getIngress().stream()
        .map(StatusComputer::address).filter(Objects::nonNull).findFirst();
  }

  private static String address(LoadBalancerIngress ingress) {
    return ingress.getHostname() != null ? ingress.getHostname() : ingress.getIp();
  }

  private Condition condition(PgmlProxy proxy, String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(proxy.getMetadata().getGeneration())
        .withLastTransitionTime(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  private static List<Condition> keepTransitionTimes(PgmlProxy proxy, List<Condition> conditions) {
    List<Condition> previous = proxy.getStatus() == null || proxy.getStatus().conditions == null
        ? List.of() : proxy.getStatus().conditions;
    for (Condition condition : conditions) {
      previous.stream()
          .filter(p -> p.getType().equals(condition.getType()) && p.getStatus().equals(condition.getStatus()))
          .findFirst()
          .ifPresent(p -> condition.setLastTransitionTime(p.getLastTransitionTime()));
    }
    return conditions;
  }
}

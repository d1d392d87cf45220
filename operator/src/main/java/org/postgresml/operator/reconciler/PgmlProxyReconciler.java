package org.postgresml.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.status.PgmlProxyStatus;
import org.postgresml.operator.dependent.ClientAuthSecretDependent;
import org.postgresml.operator.dependent.Conditions;
import org.postgresml.operator.dependent.ConfigSecretDependent;
import org.postgresml.operator.dependent.DeploymentDependent;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.dependent.FleetSecretDependent;
import org.postgresml.operator.dependent.PeersServiceDependent;
import org.postgresml.operator.dependent.HorizontalPodAutoscalerDependent;
import org.postgresml.operator.dependent.NetworkPolicyDependent;
import org.postgresml.operator.dependent.PodDisruptionBudgetDependent;
import org.postgresml.operator.dependent.ServiceDependent;
import org.postgresml.operator.dependent.ServiceMonitorApplier;
import org.postgresml.operator.dependent.WorkflowInputs;
import org.postgresml.operator.validation.InputsResolver;
import org.postgresml.operator.validation.SpecProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves what the spec references, lets the dependents render and apply the fleet, and writes a
 * status the user can act on. The workflow runs only when the inputs are sound (explicit
 * invocation), so a missing Secret leaves the running fleet untouched and says why in Degraded.
 */
@ControllerConfiguration(name = PgmlProxyReconciler.NAME)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "config", type = ConfigSecretDependent.class),
    @Dependent(name = "client-auth", type = ClientAuthSecretDependent.class,
        reconcilePrecondition = Conditions.GeneratesClientAuth.class),
    @Dependent(name = "fleet-secret", type = FleetSecretDependent.class),
    @Dependent(name = "deployment", type = DeploymentDependent.class, dependsOn = {"config", "fleet-secret"}),
    @Dependent(name = "service", type = ServiceDependent.class),
    @Dependent(name = "peers-service", type = PeersServiceDependent.class),
    @Dependent(name = "pdb", type = PodDisruptionBudgetDependent.class,
        reconcilePrecondition = Conditions.PdbEnabled.class),
    @Dependent(name = "hpa", type = HorizontalPodAutoscalerDependent.class,
        reconcilePrecondition = Conditions.AutoscalingEnabled.class),
    @Dependent(name = "network-policy", type = NetworkPolicyDependent.class,
        reconcilePrecondition = Conditions.NetworkPolicyEnabled.class),
})
public class PgmlProxyReconciler implements Reconciler<PgmlProxy> {

  public static final String NAME = "pgmlproxy";
  private static final Logger LOG = LoggerFactory.getLogger(PgmlProxyReconciler.class);

  private final InputsResolver resolver;
  private final StatusComputer statusComputer;
  private final ServiceMonitorSupport serviceMonitorSupport;
  private final EventPublisher events;
  private final ServiceMonitorApplier serviceMonitors;
  private final Duration secretPollInterval;
  private PerResourcePollingEventSource<Secret, PgmlProxy, String> referencedSecrets;

  public PgmlProxyReconciler(InputsResolver resolver, StatusComputer statusComputer,
      ServiceMonitorSupport serviceMonitorSupport, EventPublisher events, ServiceMonitorApplier serviceMonitors,
      Duration secretPollInterval) {
    this.secretPollInterval = secretPollInterval;
    this.resolver = resolver;
    this.statusComputer = statusComputer;
    this.serviceMonitorSupport = serviceMonitorSupport;
    this.events = events;
    this.serviceMonitors = serviceMonitors;
  }

  @Override
  public List<EventSource<?, PgmlProxy>> prepareEventSources(EventSourceContext<PgmlProxy> context) {
    referencedSecrets = ReferencedSecrets.eventSource(context, secretPollInterval);
    return List.of(referencedSecrets);
  }

  @Override
  public UpdateControl<PgmlProxy> reconcile(PgmlProxy proxy, Context<PgmlProxy> context) {
    if (proxy.getSpec().unreadable != null) {
      // Nothing can be rendered from it; its objects stay as they were, the other PgmlProxies are served.
      return degradedWithoutRendering(proxy, new SpecProblem(SpecProblem.INVALID_SPEC,
          proxy.getSpec().unreadable + "; the objects of this fleet are left as they are until it is fixed."));
    }
    // Cached cluster-wide; needed even without monitoring, to remove a ServiceMonitor no longer asked for.
    boolean monitorKindPresent = serviceMonitorSupport.present();
    var resolution = resolver.resolve(proxy, ReferencedSecrets.lookup(referencedSecrets, proxy),
        monitorKindPresent);
    PgmlProxyStatus status;
    if (resolution instanceof InputsResolver.Unresolved unresolved) {
      SpecProblem problem = unresolved.problem();
      status = statusComputer.degraded(proxy, problem);
      if (!sameDegradedReason(proxy.getStatus(), problem.reason())) {
        LOG.warn("{}/{} degraded: {}", proxy.getMetadata().getNamespace(), proxy.getMetadata().getName(),
            problem.message());
        events.warning(proxy, problem.reason(), problem.message());
      }
    } else {
      var resolved = (InputsResolver.Resolved) resolution;
      WorkflowInputs.put(context, resolved.inputs());
      if (!Boolean.TRUE.equals(proxy.getSpec().paused)) {
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        serviceMonitors.apply(proxy, monitorKindPresent, context);
      }
      Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
      // By name: the headless peers Service is a Service of the fleet too.
      Optional<Service> service = context.getSecondaryResourcesAsStream(Service.class)
          .filter(candidate -> FleetNames.fleet(proxy).equals(candidate.getMetadata().getName())).findFirst();
      status = statusComputer.healthy(proxy, resolved, deployment, service);
    }
    if (sameStatus(proxy.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(statusOnly(proxy, status));
  }

  /**
   * The status patch carries the status and the object's identity, nothing else: with server-side
   * apply a whole object would make the status writer co-own the labels and annotations (which
   * GitOps tools then cannot remove), and a resourceVersion would make every patch racing a user's
   * edit fail with 409.
   */
  static PgmlProxy statusOnly(PgmlProxy proxy, PgmlProxyStatus status) {
    PgmlProxy patch = new PgmlProxy();
    patch.setMetadata(new ObjectMetaBuilder()
        .withName(proxy.getMetadata().getName())
        .withNamespace(proxy.getMetadata().getNamespace())
        .build());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }

  /**
   * A write of a dependent failed (the API server refused it, e.g. with 422): the status says which
   * object and what the server said, an Event too, and JOSDK retries with its backoff, then at the
   * next resync. Anything else keeps JOSDK's default handling.
   */
  @Override
  public ErrorStatusUpdateControl<PgmlProxy> updateErrorStatus(PgmlProxy proxy, Context<PgmlProxy> context,
      Exception e) {
    Optional<SpecProblem> failure = WriteFailure.of(e);
    if (failure.isEmpty()) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    SpecProblem problem = failure.get();
    PgmlProxyStatus status = statusComputer.degraded(proxy, problem);
    if (!sameDegradedMessage(proxy.getStatus(), problem.message())) {
      LOG.warn("{}/{}: {}", proxy.getMetadata().getNamespace(), proxy.getMetadata().getName(), problem.message());
      events.warning(proxy, problem.reason(), problem.message());
    }
    // JOSDK's retry backs off (and gives up after a few tries until the next resync or event).
    return sameStatus(proxy.getStatus(), status) ? ErrorStatusUpdateControl.noStatusUpdate()
        : ErrorStatusUpdateControl.patchStatus(statusOnly(proxy, status));
  }

  private static boolean sameDegradedMessage(PgmlProxyStatus previous, String message) {
    return previous != null && previous.conditions != null && previous.conditions.stream()
        .anyMatch(c -> ConditionTypes.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus())
            && Objects.equals(message, c.getMessage()));
  }

  private UpdateControl<PgmlProxy> degradedWithoutRendering(PgmlProxy proxy, SpecProblem problem) {
    PgmlProxyStatus status = statusComputer.degraded(proxy, problem);
    if (!sameDegradedReason(proxy.getStatus(), problem.reason())) {
      LOG.warn("{}/{} left alone: {}", proxy.getMetadata().getNamespace(), proxy.getMetadata().getName(),
          problem.message());
      events.warning(proxy, problem.reason(), problem.message());
    }
    return sameStatus(proxy.getStatus(), status) ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(statusOnly(proxy, status));
  }

  private static boolean sameDegradedReason(PgmlProxyStatus previous, String reason) {
    if (previous == null || previous.conditions == null) {
      return false;
    }
    return previous.conditions.stream()
        .filter(c -> ConditionTypes.DEGRADED.equals(c.getType()))
        .anyMatch(c -> "True".equals(c.getStatus()) && Objects.equals(reason, c.getReason()));
  }

  private static boolean sameStatus(PgmlProxyStatus previous, PgmlProxyStatus next) {
    if (previous == null) {
      return false;
    }
    JsonNode a = Serialization.jsonMapper().valueToTree(previous);
    JsonNode b = Serialization.jsonMapper().valueToTree(next);
    return a.equals(b);
  }
}

package org.postgresml.bench.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.reconciler.ConditionTypes;
import org.postgresml.operator.render.FleetNames;

/**
 * How far the operator got with a set of PgmlProxies, from what the API server holds: which have a
 * status for their current generation, which also have every dependent object, which are Ready.
 * Names come from the operator's FleetNames, so the benchmark checks exactly what it renders.
 */
public final class FleetCensus {

  /** Dependent kinds of a default fleet; {@link #expected} names the objects of each. */
  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(Secret.class, Deployment.class, Service.class, PodDisruptionBudget.class);

  /** One object by kind and name (the namespace is the proxy's). */
  public record Dependent(String kind, String name) {

    public static Dependent of(HasMetadata object) {
      return new Dependent(object.getKind(), object.getMetadata().getName());
    }
  }

  /**
   * @param total proxies seen
   * @param withStatus those whose status was written for their current generation, with a Ready condition
   * @param complete those with such a status and every dependent object
   * @param ready complete and Ready=True
   */
  public record Count(int total, int withStatus, int complete, int ready) {}

  private FleetCensus() {
  }

  /** The objects the operator creates for one proxy, with the optional ones its spec asks for. */
  public static List<Dependent> expected(PgmlProxy proxy) {
    List<Dependent> dependents = new ArrayList<>();
    String secret = HasMetadata.getKind(Secret.class);
    dependents.add(new Dependent(secret, FleetNames.configSecret(proxy)));
    dependents.add(new Dependent(secret, FleetNames.fleetSecret(proxy)));
    if (proxy.getSpec().clientAuth.secretRef == null) {
      dependents.add(new Dependent(secret, FleetNames.generatedClientAuthSecret(proxy)));
    }
    dependents.add(new Dependent(HasMetadata.getKind(Deployment.class), FleetNames.fleet(proxy)));
    dependents.add(new Dependent(HasMetadata.getKind(Service.class), FleetNames.fleet(proxy)));
    dependents.add(new Dependent(HasMetadata.getKind(Service.class), FleetNames.peersService(proxy)));
    if (Boolean.TRUE.equals(proxy.getSpec().podDisruptionBudget.enabled)) {
      dependents.add(new Dependent(HasMetadata.getKind(PodDisruptionBudget.class), FleetNames.fleet(proxy)));
    }
    return dependents;
  }

  /**
   * @param existing the dependent objects in the proxies' namespace; empty when not looked up yet
   *     (then nothing counts as complete)
   */
  public static Count count(Collection<PgmlProxy> proxies, Set<Dependent> existing) {
    int withStatus = 0;
    int complete = 0;
    int ready = 0;
    for (PgmlProxy proxy : proxies) {
      if (!hasCurrentStatus(proxy)) {
        continue;
      }
      withStatus++;
      if (existing.containsAll(expected(proxy))) {
        complete++;
        if (isReady(proxy)) {
          ready++;
        }
      }
    }
    return new Count(proxies.size(), withStatus, complete, ready);
  }

  static boolean hasCurrentStatus(PgmlProxy proxy) {
    return proxy.getStatus() != null && proxy.getStatus().observedGeneration != null
        && Objects.equals(proxy.getStatus().observedGeneration, proxy.getMetadata().getGeneration())
        && readyCondition(proxy).isPresent();
  }

  static boolean isReady(PgmlProxy proxy) {
    return readyCondition(proxy).filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  private static Optional<Condition> readyCondition(PgmlProxy proxy) {
    List<Condition> conditions = proxy.getStatus() == null ? null : proxy.getStatus().conditions;
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> ConditionTypes.READY.equals(c.getType())).findFirst();
  }
}

package org.postgresml.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import org.postgresml.operator.api.PgmlProxy;

/** When the optional dependents exist. A dependent whose condition turns false is deleted. */
public final class Conditions {

  private Conditions() {
  }

  /** No client-auth Secret referenced: the operator generates one. */
  public static final class GeneratesClientAuth implements Condition<Object, PgmlProxy> {
    @Override
    public boolean isMet(DependentResource<Object, PgmlProxy> dependent, PgmlProxy primary, Context<PgmlProxy> context) {
      return primary.getSpec().clientAuth.secretRef == null;
    }
  }

  public static final class PdbEnabled implements Condition<Object, PgmlProxy> {
    @Override
    public boolean isMet(DependentResource<Object, PgmlProxy> dependent, PgmlProxy primary, Context<PgmlProxy> context) {
      return primary.getSpec().podDisruptionBudget.enabled;
    }
  }

  public static final class AutoscalingEnabled implements Condition<Object, PgmlProxy> {
    @Override
    public boolean isMet(DependentResource<Object, PgmlProxy> dependent, PgmlProxy primary, Context<PgmlProxy> context) {
      return primary.getSpec().autoscaling != null;
    }
  }

  public static final class NetworkPolicyEnabled implements Condition<Object, PgmlProxy> {
    @Override
    public boolean isMet(DependentResource<Object, PgmlProxy> dependent, PgmlProxy primary, Context<PgmlProxy> context) {
      return primary.getSpec().networkPolicy != null;
    }
  }
}

package org.postgresml.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.RenderInputs;

/**
 * Hands the inputs the reconciler resolved (from the informer caches) to the dependents of the same
 * reconciliation, so that each dependent's desired() is a pure render.
 */
public final class WorkflowInputs {

  private static final String KEY = RenderInputs.class.getName();

  private WorkflowInputs() {
  }

  public static void put(Context<PgmlProxy> context, RenderInputs inputs) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, inputs);
  }

  public static RenderInputs get(Context<PgmlProxy> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, RenderInputs.class);
  }
}

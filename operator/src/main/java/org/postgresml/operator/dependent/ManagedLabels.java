package org.postgresml.operator.dependent;

import org.postgresml.operator.render.FleetNames;

/** The label selector of the informers of owned objects: only what this operator manages is cached. */
final class ManagedLabels {

  static final String SELECTOR = FleetNames.LABEL_MANAGED_BY + "=" + FleetNames.MANAGED_BY;

  private ManagedLabels() {
  }
}

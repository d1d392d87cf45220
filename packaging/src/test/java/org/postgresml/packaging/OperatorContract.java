package org.postgresml.packaging;

/**
 * What the operator process reads from its environment and serves, as the chart renders it.
 * Taken from the operator's code (see RbacTest and OperatorDeploymentTest for the checks).
 */
final class OperatorContract {

  static final String WATCH_NAMESPACES_ENV = "PGML_OPERATOR_WATCH_NAMESPACES";
  static final String LEADER_ELECTION_ENV = "PGML_OPERATOR_LEADER_ELECTION";

  private OperatorContract() {
  }
}

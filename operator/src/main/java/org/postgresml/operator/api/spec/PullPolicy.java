package org.postgresml.operator.api.spec;

/** Kubernetes image pull policies. */
public enum PullPolicy {
  Always,
  IfNotPresent,
  Never
}

package org.postgresml.operator.api.spec;

/** Kubernetes Service types the proxy can be exposed with. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer
}

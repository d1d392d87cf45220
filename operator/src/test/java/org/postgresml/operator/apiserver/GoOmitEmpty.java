package org.postgresml.operator.apiserver;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server drops when it stores a built-in object: the Kubernetes Go types mark their
 * optional fields {@code omitempty}, so a {@code false}, a {@code 0}, an empty string, list or map
 * in a non-pointer field is not stored (and not returned), although server-side apply still
 * records the field as owned by whoever applied it. Pointer fields ({@code *bool}, {@code *int32},
 * {@code *IntOrString}) and required fields keep their zero value: they are listed here by name.
 * Custom resources (stored as JSON, no Go struct) keep everything.
 */
final class GoOmitEmpty {

  /**
   * Fields of the kinds the operator writes whose zero value the API server keeps: pointers
   * ({@code replicas}, {@code automountServiceAccountToken}, the security-context booleans,
   * {@code defaultMode}, {@code minReplicas}, {@code maxUnavailable}, …) and fields without
   * omitempty ({@code containerPort}, {@code port}, {@code maxSkew}, {@code weight}, {@code maxReplicas}).
   */
  private static final Set<String> KEEPS_ZERO = Set.of(
      // apps/v1 DeploymentSpec, RollingUpdateDeployment
      "replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "maxUnavailable", "maxSurge",
      // core/v1 PodSpec and security contexts
      "automountServiceAccountToken", "enableServiceLinks", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
      "shareProcessNamespace", "setHostnameAsFQDN", "hostUsers", "priority", "runAsNonRoot", "runAsUser",
      "runAsGroup", "fsGroup", "allowPrivilegeEscalation", "privileged", "readOnlyRootFilesystem",
      // volumes, tolerations, spread, affinity, ports
      "defaultMode", "mode", "optional", "tolerationSeconds", "maxSkew", "minDomains", "weight", "containerPort",
      "port", "endPort", "allocateLoadBalancerNodePorts",
      // autoscaling/v2
      "minReplicas", "maxReplicas", "averageUtilization", "stabilizationWindowSeconds",
      // policy/v1
      "minAvailable");

  private GoOmitEmpty() {
  }

  /** Removes, in place, every zero value a Go {@code omitempty} field would not store. */
  static void drop(Map<String, Object> object) {
    dropIn(object);
  }

  @SuppressWarnings("unchecked")
  private static void dropIn(Map<String, Object> map) {
    Iterator<Map.Entry<String, Object>> entries = map.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<String, Object> entry = entries.next();
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> child) {
        dropIn((Map<String, Object>) child);
        // Labels, annotations and selectors are maps of strings: an empty one is omitted too.
        if (child.isEmpty() && !KEEPS_ZERO.contains(entry.getKey()) && !keepsEmptyStruct(entry.getKey())) {
          entries.remove();
        }
      } else if (value instanceof List<?> list) {
        list.forEach(item -> {
          if (item instanceof Map<?, ?> element) {
            dropIn((Map<String, Object>) element);
          }
        });
        if (list.isEmpty()) {
          entries.remove();
        }
      } else if (isZero(value) && !KEEPS_ZERO.contains(entry.getKey())) {
        entries.remove();
      }
    }
  }

  /**
   * Struct fields (not pointers) are always serialised, empty or not: encoding/json's omitempty
   * never omits a struct. Among what the operator renders, an emptyDir and a pod security context
   * are such fields when empty; an empty namespaceSelector is a pointer that means "every namespace".
   */
  private static boolean keepsEmptyStruct(String field) {
    return field.equals("emptyDir") || field.equals("namespaceSelector") || field.equals("podSelector")
        || field.equals("securityContext");
  }

  private static boolean isZero(Object value) {
    return value == null
        || Boolean.FALSE.equals(value)
        || value instanceof Number number && number.doubleValue() == 0
        || value instanceof String text && text.isEmpty();
  }
}

package org.postgresml.operator.apiserver;

import java.util.List;
import java.util.Map;

/**
 * The associative lists of the kinds the operator writes ({@code +listType=map} /
 * {@code patchMergeKey} in the Kubernetes Go types) and their keys. Server-side apply tracks an
 * entry of such a list by its key ({@code k:{"name":"proxy"}}); every other list is atomic and
 * owned whole.
 */
final class ListKeys {

  /** By the path of the list's field, list indexes left out, most specific first. */
  private static final List<Map.Entry<String, List<String>>> KEYS = List.of(
      Map.entry("containers.ports", List.of("containerPort", "protocol")),
      Map.entry("initContainers.ports", List.of("containerPort", "protocol")),
      Map.entry("containers.env", List.of("name")),
      Map.entry("containers.volumeMounts", List.of("mountPath")),
      Map.entry("template.spec.containers", List.of("name")),
      Map.entry("template.spec.initContainers", List.of("name")),
      Map.entry("template.spec.volumes", List.of("name")),
      Map.entry("template.spec.imagePullSecrets", List.of("name")),
      Map.entry("template.spec.topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable")),
      Map.entry("template.spec.hostAliases", List.of("ip")),
      Map.entry("metadata.ownerReferences", List.of("uid")),
      Map.entry("status.conditions", List.of("type")));

  /** Service ports are keyed by port and protocol (only in a Service: NetworkPolicy ports are atomic). */
  private static final List<String> SERVICE_PORT_KEYS = List.of("port", "protocol");

  /** PgmlProxy's one map-type list (CacheSpec): functions by name. */
  static final List<String> PGML_PROXY_CACHE_FUNCTION_KEYS = List.of("name");

  private ListKeys() {
  }

  /** The key fields of the list at {@code path} of an object of {@code kind}; null: atomic. */
  static List<String> of(String kind, String path) {
    if ("Service".equals(kind) && path.equals("spec.ports")) {
      return SERVICE_PORT_KEYS;
    }
    if ("PgmlProxy".equals(kind) && path.equals("spec.cache.functions")) {
      return PGML_PROXY_CACHE_FUNCTION_KEYS;
    }
    if (isCustomResource(kind) && !path.equals("metadata.ownerReferences")) {
      // A CRD's lists are atomic unless its schema says x-kubernetes-list-type: map (ours: above).
      return null;
    }
    for (Map.Entry<String, List<String>> key : KEYS) {
      if (path.equals(key.getKey()) || path.endsWith("." + key.getKey())) {
        return key.getValue();
      }
    }
    return null;
  }

  static boolean isCustomResource(String kind) {
    return "ServiceMonitor".equals(kind) || "PgmlProxy".equals(kind);
  }
}

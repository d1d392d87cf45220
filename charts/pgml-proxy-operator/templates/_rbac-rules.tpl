{{/*
The rules the operator needs where it watches PgmlProxy resources: exactly the resources and
verbs its informers and dependents use (RbacTest in packaging/ derives them from the operator's
code and fails on anything missing or extra). Shared by the ClusterRole (cluster-wide) and the
per-namespace Roles.
*/}}
{{- define "pgml-proxy-operator.watchRules" -}}
# The PgmlProxy informer, and status written with patches.
- apiGroups: ["postgresml.org"]
  resources: ["pgmlproxies"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["postgresml.org"]
  resources: ["pgmlproxies/status"]
  verbs: ["patch"]
# Dependents, applied server-side: a create is authorized as create, a change as patch. Those that
# exist only on request (client-auth Secret, PDB, HPA, NetworkPolicy) are deleted when turned off;
# the rest go with their PgmlProxy through owner references. Secrets are also watched because a
# PgmlProxy references user Secrets (URL, CA, TLS, client auth).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# The ServiceMonitor is read and server-side applied with plain calls (no informer: its CRD may be absent).
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["get", "patch", "delete"]
# Warning Events on a PgmlProxy (kubectl describe shows them).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/* Cluster-scoped reads: whether the ServiceMonitor CRD exists (only that one CRD, by name). */}}
{{- define "pgml-proxy-operator.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["servicemonitors.monitoring.coreos.com"]
  verbs: ["get"]
{{- end }}

{{/* Leader election: one Lease in the operator's own namespace. The lock renews with patch; JOSDK
checks get, create and update before it starts. */}}
{{- define "pgml-proxy-operator.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update", "patch"]
{{- end }}

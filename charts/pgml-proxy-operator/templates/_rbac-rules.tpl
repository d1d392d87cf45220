{{/*
The rules the operator needs where it watches PgmlProxy resources: exactly the resources and
verbs its informers and dependents use (RbacTest in packaging/ derives them from the operator's
code and fails on anything missing or extra). Shared by the ClusterRole (cluster-wide) and the
per-namespace Roles.
*/}}
{{- define "pgml-proxy-operator.watchRules" -}}
- apiGroups: ["postgresml.org"]
  resources: ["pgmlproxies"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["postgresml.org"]
  resources: ["pgmlproxies/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["postgresml.org"]
  resources: ["pgmlproxies/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets", "services"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
{{- end }}

{{/* Cluster-scoped reads: whether the ServiceMonitor CRD exists (only that one CRD, by name). */}}
{{- define "pgml-proxy-operator.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["servicemonitors.monitoring.coreos.com"]
  verbs: ["get"]
{{- end }}

{{/* Leader election: one Lease in the operator's own namespace. */}}
{{- define "pgml-proxy-operator.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update"]
{{- end }}

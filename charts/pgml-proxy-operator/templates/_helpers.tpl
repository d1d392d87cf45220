{{/* Chart name, overridable. */}}
{{- define "pgml-proxy-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: the release name, plus the chart name unless it is already in it. */}}
{{- define "pgml-proxy-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pgml-proxy-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Kubernetes and Helm recommended labels. */}}
{{- define "pgml-proxy-operator.labels" -}}
helm.sh/chart: {{ include "pgml-proxy-operator.chart" . }}
{{ include "pgml-proxy-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: pgml-proxy
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The stable subset used in selectors (never changes across upgrades). */}}
{{- define "pgml-proxy-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pgml-proxy-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pgml-proxy-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pgml-proxy-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pgml-proxy-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Leader election is forced on with more than one replica: two active reconcilers would fight. */}}
{{- define "pgml-proxy-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ else }}false{{ end }}
{{- end }}

{{- define "pgml-proxy-operator.metricsService" -}}
{{- if or .Values.metrics.service .Values.metrics.serviceMonitor.enabled }}true{{ else }}false{{ end }}
{{- end }}

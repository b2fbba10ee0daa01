{{/* The four services: name, environment prefix, and whether it signs tokens (only projects-api). */}}
{{- define "gongjian.services" -}}
- {name: projects-api, prefix: PROJECTS, signs: true, evidence: true}
- {name: meetings-api, prefix: MEETINGS, signs: false, evidence: true}
- {name: scoring-worker, prefix: SCORING, signs: false, evidence: false}
- {name: notifier, prefix: NOTIFIER, signs: false, evidence: false}
{{- end -}}

{{- define "gongjian.chart" -}}
{{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* The recommended labels; call with (dict "root" $ "component" "projects-api"). */}}
{{- define "gongjian.labels" -}}
helm.sh/chart: {{ include "gongjian.chart" .root }}
{{ include "gongjian.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: gongjian
{{- end -}}

{{- define "gongjian.selectorLabels" -}}
app.kubernetes.io/name: gongjian
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gongjian.image" -}}
{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end -}}

{{- define "gongjian.kafkaBootstrap" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{ printf "%s-kafka-bootstrap:9092" .Values.kafka.strimzi.name }}
{{- else -}}
{{ .Values.kafka.bootstrap }}
{{- end -}}
{{- end -}}

{{/*
The database URL of services ({PREFIX}_DATABASE__URL), from the CNPG cluster's app secret or from the
operator's secret. With CNPG the password comes first, once, as GONGJIAN_K8S_DATABASE_PASSWORD, which the URLs
use. Call with (dict "root" $ "prefixes" (list "PROJECTS" ...)).
*/}}
{{- define "gongjian.databaseEnv" -}}
{{- $root := .root -}}
{{- $cnpg := $root.Values.postgresql.cnpg -}}
{{- if $cnpg.enabled }}
- name: GONGJIAN_K8S_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s-app" $cnpg.name }}
      key: password
{{- end }}
{{- range $prefix := .prefixes }}
{{- if $cnpg.enabled }}
- name: {{ $prefix }}_DATABASE__URL
  value: {{ printf "postgresql+asyncpg://gongjian:$(GONGJIAN_K8S_DATABASE_PASSWORD)@%s-rw:5432/gongjian" $cnpg.name | quote }}
{{- else }}
- name: {{ $prefix }}_DATABASE__URL
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.postgresql.external.existingSecret }}
      key: {{ $root.Values.postgresql.external.key }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Kafka settings shared by a service and its relay. Call with (dict "root" $ "service" $service). */}}
{{- define "gongjian.kafkaEnv" -}}
- name: {{ .service.prefix }}_BUS__KIND
  value: kafka
- name: {{ .service.prefix }}_KAFKA__BOOTSTRAP
  value: {{ include "gongjian.kafkaBootstrap" .root | quote }}
- name: {{ .service.prefix }}_KAFKA__CLIENT_ID
  value: {{ .service.name }}
{{- end -}}

{{- define "gongjian.podSecurity" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Writable folders under a read-only root file system. */}}
{{- define "gongjian.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: var
  mountPath: /home/gongjian/var
{{- end -}}

{{- define "gongjian.scratchVolumes" -}}
- name: tmp
  emptyDir: {}
- name: var
  emptyDir: {}
{{- end -}}

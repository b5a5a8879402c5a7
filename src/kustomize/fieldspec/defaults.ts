// The transformer configurations kustomize v5.5.0 ships (api/internal/konfig/builtinpluginconsts),
// as data. Every builtin transformer reads its field specs from a TransformerConfig; kustomizations
// extend it with `configurations:` files and `crds:`.

import type { FieldSpec, Gvk } from './fieldspec.js';
import { sortByGvk } from './fieldspec.js';

/** One kind whose name other resources refer to, and the fields that hold such references. */
export interface NameBackReference extends Gvk {
  fieldSpecs: FieldSpec[];
}

export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  nameSpace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  /** Extra fields for every `labels:` entry (empty by default; set by configuration files). */
  labels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

const fs = (path: string, kind?: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path,
  ...(kind ? { kind } : {}),
  ...extra,
});

const created = { create: true };

/** metadata labels of the object and of the pod templates it owns (templateLabels). */
const metadataLabels: FieldSpec[] = [
  fs('metadata/labels', undefined, created),
  fs('spec/template/metadata/labels', 'ReplicationController', { version: 'v1', create: true }),
  fs('spec/template/metadata/labels', 'Deployment', created),
  fs('spec/template/metadata/labels', 'ReplicaSet', created),
  fs('spec/template/metadata/labels', 'DaemonSet', created),
  fs('spec/template/metadata/labels', 'StatefulSet', { group: 'apps', create: true }),
  fs('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { group: 'apps', create: true }),
  fs('spec/template/metadata/labels', 'Job', { group: 'batch', create: true }),
  fs('spec/jobTemplate/metadata/labels', 'CronJob', { group: 'batch', create: true }),
  fs('spec/jobTemplate/spec/template/metadata/labels', 'CronJob', { group: 'batch', create: true }),
];

const affinityPaths = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

const commonLabels: FieldSpec[] = [
  fs('spec/selector', 'Service', { version: 'v1', create: true }),
  fs('spec/selector', 'ReplicationController', { version: 'v1', create: true }),
  fs('spec/selector/matchLabels', 'Deployment', created),
  ...affinityPaths.map((p) => fs(p, 'Deployment', { group: 'apps', create: false })),
  fs('spec/selector/matchLabels', 'ReplicaSet', created),
  fs('spec/selector/matchLabels', 'DaemonSet', created),
  fs('spec/selector/matchLabels', 'StatefulSet', { group: 'apps', create: true }),
  ...affinityPaths.map((p) => fs(p, 'StatefulSet', { group: 'apps', create: false })),
  fs('spec/selector/matchLabels', 'Job', { group: 'batch', create: false }),
  fs('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { group: 'batch', create: false }),
  fs('spec/selector/matchLabels', 'PodDisruptionBudget', { group: 'policy', create: false }),
  fs('spec/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  fs('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  fs('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  ...metadataLabels,
];

const commonAnnotations: FieldSpec[] = [
  fs('metadata/annotations', undefined, created),
  fs('spec/template/metadata/annotations', 'ReplicationController', { version: 'v1', create: true }),
  fs('spec/template/metadata/annotations', 'Deployment', created),
  fs('spec/template/metadata/annotations', 'ReplicaSet', created),
  fs('spec/template/metadata/annotations', 'DaemonSet', created),
  fs('spec/template/metadata/annotations', 'StatefulSet', created),
  fs('spec/template/metadata/annotations', 'Job', { group: 'batch', create: true }),
  fs('spec/jobTemplate/metadata/annotations', 'CronJob', { group: 'batch', create: true }),
  fs('spec/jobTemplate/spec/template/metadata/annotations', 'CronJob', { group: 'batch', create: true }),
];

const nameSpace: FieldSpec[] = [
  fs('metadata/name', 'Namespace', created),
  fs('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io', create: true }),
  fs('spec/conversion/webhook/clientConfig/service/namespace', 'CustomResourceDefinition', { group: 'apiextensions.k8s.io' }),
];

const images: FieldSpec[] = [
  fs('spec/containers[]/image', undefined, created),
  fs('spec/initContainers[]/image', undefined, created),
  fs('spec/template/spec/containers[]/image', undefined, created),
  fs('spec/template/spec/initContainers[]/image', undefined, created),
];

const replicas: FieldSpec[] = ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((k) =>
  fs('spec/replicas', k, created),
);

/** Pod-template locations per workload kind, as kustomize lists them. */
const podSpecs: [kind: string, prefix: string, extra?: Partial<FieldSpec>][] = [
  ['Pod', 'spec', { version: 'v1' }],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

/** kustomize lists CronJob's projected-volume reference right after its plain volume one. */
const cronJobOrder = (suffixes: string[]): string[] => {
  const projected = suffixes.filter((s) => s.startsWith('volumes/projected/'));
  const rest = suffixes.filter((s) => !s.startsWith('volumes/projected/'));
  return [rest[0]!, ...projected, ...rest.slice(1)];
};

function podRefs(suffixes: string[]): FieldSpec[] {
  return podSpecs.flatMap(([kind, prefix, extra]) =>
    (kind === 'CronJob' ? cronJobOrder(suffixes) : suffixes).map((s) => fs(`${prefix}/${s}`, kind, extra ?? {})),
  );
}

const containerRefs = (ref: 'configMap' | 'secret') => {
  const keyRef = ref === 'configMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const envRef = ref === 'configMap' ? 'configMapRef' : 'secretRef';
  const volume = ref === 'configMap' ? 'volumes/configMap/name' : 'volumes/secret/secretName';
  return [
    volume,
    `containers/env/valueFrom/${keyRef}/name`,
    `initContainers/env/valueFrom/${keyRef}/name`,
    `containers/envFrom/${envRef}/name`,
    `initContainers/envFrom/${envRef}/name`,
    ...(ref === 'secret' ? ['imagePullSecrets/name'] : []),
    `volumes/projected/sources/${ref}/name`,
  ];
};

const workloadField = (field: string, kinds: string[]): FieldSpec[] =>
  kinds.map((kind) => {
    if (kind === 'Pod') return fs(`spec/${field}`, kind);
    if (kind === 'CronJob') return fs(`spec/jobTemplate/spec/template/spec/${field}`, kind);
    return fs(`spec/template/spec/${field}`, kind);
  });

const saKinds = ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet'];

const nameReference: NameBackReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    kind,
    fieldSpecs: [fs('spec/scaleTargetRef/name', 'HorizontalPodAutoscaler')],
  })),
  {
    kind: 'ConfigMap',
    version: 'v1',
    fieldSpecs: [
      ...podRefs(containerRefs('configMap')),
      fs('spec/configSource/configMap', 'Node'),
      fs('rules/resourceNames', 'Role'),
      fs('rules/resourceNames', 'ClusterRole'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', 'Ingress'),
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    fieldSpecs: [
      ...podRefs(containerRefs('secret')),
      fs('spec/tls/secretName', 'Ingress'),
      fs('metadata/annotations/ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', 'Ingress'),
      // listed twice upstream; kept, since name references merge defaults without deduplicating
      fs('spec/tls/secretName', 'Ingress'),
      fs('imagePullSecrets/name', 'ServiceAccount'),
      fs('parameters/secretName', 'StorageClass'),
      fs('parameters/adminSecretName', 'StorageClass'),
      fs('parameters/userSecretName', 'StorageClass'),
      fs('parameters/secretRef', 'StorageClass'),
      fs('rules/resourceNames', 'Role'),
      fs('rules/resourceNames', 'ClusterRole'),
      fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Service', { group: 'serving.knative.dev', version: 'v1' }),
      fs('spec/azureFile/secretName', 'PersistentVolume'),
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    fieldSpecs: [
      fs('spec/serviceName', 'StatefulSet', { group: 'apps' }),
      fs('spec/rules/http/paths/backend/serviceName', 'Ingress'),
      fs('spec/backend/serviceName', 'Ingress'),
      fs('spec/rules/http/paths/backend/service/name', 'Ingress'),
      fs('spec/defaultBackend/service/name', 'Ingress'),
      fs('spec/service/name', 'APIService', { group: 'apiregistration.k8s.io' }),
      fs('webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
      fs('webhooks/clientConfig/service', 'MutatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
    ],
  },
  {
    kind: 'Role',
    group: 'rbac.authorization.k8s.io',
    fieldSpecs: [fs('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' })],
  },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    fieldSpecs: [
      fs('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      fs('roleRef/name', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
    ],
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    fieldSpecs: [
      fs('subjects', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      fs('subjects', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
      ...workloadField('serviceAccountName', saKinds),
    ],
  },
  {
    kind: 'PersistentVolumeClaim',
    version: 'v1',
    fieldSpecs: workloadField('volumes/persistentVolumeClaim/claimName', saKinds),
  },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    fieldSpecs: [fs('spec/volumeName', 'PersistentVolumeClaim'), fs('rules/resourceNames', 'ClusterRole')],
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    fieldSpecs: [
      fs('spec/storageClassName', 'PersistentVolume'),
      fs('spec/storageClassName', 'PersistentVolumeClaim'),
      fs('spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet'),
    ],
  },
  {
    kind: 'PriorityClass',
    version: 'v1',
    group: 'scheduling.k8s.io',
    fieldSpecs: workloadField('priorityClassName', saKinds),
  },
  {
    // kustomize spells the group with its version, so this entry never matches; kept for fidelity
    kind: 'IngressClass',
    version: 'v1',
    group: 'networking.k8s.io/v1',
    fieldSpecs: [fs('spec/ingressClassName', 'Ingress')],
  },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: 'admissionregistration.k8s.io',
    fieldSpecs: [fs('spec/policyName', 'ValidatingAdmissionPolicyBinding', { group: 'admissionregistration.k8s.io' })],
  },
];

const varContainerFields = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];

function varWorkload(kind: string): FieldSpec[] {
  const prefix = kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec/jobTemplate/spec/template/spec' : 'spec/template/spec';
  const out = ['containers', 'initContainers'].flatMap((c) => varContainerFields.map((f) => fs(`${prefix}/${c}/${f}`, kind)));
  if (kind === 'CronJob') out.push(fs('spec/jobTemplate/spec/template/volumes/nfs/server', kind));
  else if (kind === 'StatefulSet') out.push(fs('spec/volumeClaimTemplates/spec/nfs/server', kind));
  else out.push(fs(`${prefix}/volumes/nfs/server`, kind));
  if (kind === 'Deployment') out.push(fs('spec/template/metadata/annotations', kind));
  return out;
}

// in kustomize's order: Go's sort is unstable, so equal kinds end up where the input order puts them
const varReference: FieldSpec[] = [
  ...['CronJob', 'DaemonSet', 'Deployment'].flatMap(varWorkload),
  fs('spec/rules/host', 'Ingress'),
  fs('spec/tls/hosts', 'Ingress'),
  fs('spec/tls/secretName', 'Ingress'),
  ...['Job', 'Pod', 'ReplicaSet'].flatMap(varWorkload),
  fs('spec/ports/port', 'Service'),
  fs('spec/ports/targetPort', 'Service'),
  ...varWorkload('StatefulSet'),
  fs('spec/nfs/server', 'PersistentVolume'),
  fs('metadata/labels'),
  fs('metadata/annotations'),
];

/** Every list sorted by gvk, in place, with Go's (unstable) sort (kustomize TransformerConfig.sortFields). */
export function sortTransformerConfig(tc: TransformerConfig): TransformerConfig {
  for (const key of Object.keys(tc) as (keyof TransformerConfig)[]) sortByGvk<Gvk>(tc[key]);
  return tc;
}

/** A copy of `tc` that shares nothing with it. */
function copyTransformerConfig(tc: TransformerConfig): TransformerConfig {
  const specs = (list: FieldSpec[]): FieldSpec[] => list.map((f) => ({ ...f }));
  const out = { ...tc, nameReference: tc.nameReference.map((r) => ({ ...r, fieldSpecs: specs(r.fieldSpecs) })) };
  for (const key of Object.keys(out) as (keyof TransformerConfig)[]) if (key !== 'nameReference') out[key] = specs(out[key]);
  return out;
}

let sortedDefaults: TransformerConfig | undefined;

/** A fresh copy of kustomize's default transformer configuration, sorted as kustomize loads it. */
export function defaultTransformerConfig(): TransformerConfig {
  sortedDefaults ??= sortTransformerConfig(
    copyTransformerConfig({
      namePrefix: [fs('metadata/name')],
      nameSuffix: [fs('metadata/name')],
      nameSpace: nameSpace,
      commonLabels: commonLabels,
      templateLabels: metadataLabels,
      labels: [],
      commonAnnotations: commonAnnotations,
      nameReference: nameReference,
      varReference: varReference,
      images: images,
      replicas: replicas,
    }),
  );
  return copyTransformerConfig(sortedDefaults);
}

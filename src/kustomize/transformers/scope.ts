// Which resources kustomize treats as cluster-scoped: those its built-in Kubernetes OpenAPI data
// (kyaml openapi precomputedIsNamespaceScoped, Kubernetes v1.21) knows as cluster-scoped, by
// apiVersion and kind. Unknown types (custom resources, unknown versions) are namespaced.
// Cluster-scoped resources never get a namespace and may be referred to from any namespace.

const CLUSTER_SCOPED: Record<string, string[]> = {
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'admissionregistration.k8s.io/v1beta1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiextensions.k8s.io/v1beta1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apiregistration.k8s.io/v1beta1': ['APIService'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'certificates.k8s.io/v1beta1': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io/v1beta1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['IngressClass'],
  'networking.k8s.io/v1beta1': ['IngressClass'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'node.k8s.io/v1beta1': ['RuntimeClass'],
  'policy/v1beta1': ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding'],
  'rbac.authorization.k8s.io/v1beta1': ['ClusterRole', 'ClusterRoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'scheduling.k8s.io/v1beta1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
  'storage.k8s.io/v1beta1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
  v1: ['ComponentStatus', 'Namespace', 'Node', 'NodeProxyOptions', 'PersistentVolume'],
};

const BY_TYPE = new Set(Object.entries(CLUSTER_SCOPED).flatMap(([apiVersion, kinds]) => kinds.map((k) => `${apiVersion} ${k}`)));
const BY_KIND = new Set(Object.values(CLUSTER_SCOPED).flat());

export interface TypeLike {
  group?: string;
  version?: string;
  kind: string;
}

/**
 * Whether a type is cluster-scoped. With a version the exact apiVersion decides, as in kustomize;
 * given only a kind (e.g. a selector without version), any known cluster-scoped type of that kind counts.
 */
export function isClusterScoped(type: TypeLike | string): boolean {
  if (typeof type === 'string') return BY_KIND.has(type);
  if (!type.version || !BY_KIND.has(type.kind)) return BY_KIND.has(type.kind);
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  return BY_TYPE.has(`${apiVersion} ${type.kind}`);
}

/** The namespace kustomize compares ids by: '' for cluster-scoped types, 'default' when unset. */
export function effectiveNamespace(id: TypeLike & { namespace: string }): string {
  if (isClusterScoped(id)) return '';
  return id.namespace === '' ? 'default' : id.namespace;
}

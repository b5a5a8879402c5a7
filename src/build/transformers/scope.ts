// Kinds kustomize treats as cluster-scoped (kyaml resid notNamespaceableKinds, v5.5.0): they never
// get a namespace and may be referred to from any namespace.

const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The namespace kustomize compares ids by: '' for cluster-scoped kinds, 'default' when unset. */
export function effectiveNamespace(id: { kind: string; namespace: string }): string {
  if (isClusterScoped(id.kind)) return '';
  return id.namespace === '' ? 'default' : id.namespace;
}

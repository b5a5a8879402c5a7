// Apply order: what other objects need must exist first. Namespaces and CRDs (custom resources
// wait for their CRD to be Established), then RBAC and policy (cluster-wide roles, and the
// ResourceQuota/LimitRange that admission enforces on everything created after them), then the
// configuration pods mount, then Services (so that pods get their environment variables), then
// workloads, then everything else (Ingresses, custom resources, webhooks last so they cannot
// block the rest).

export type StageName = 'namespaces' | 'policy' | 'config' | 'services' | 'workloads' | 'other';

export const STAGE_ORDER: readonly StageName[] = ['namespaces', 'policy', 'config', 'services', 'workloads', 'other'];

const KIND_STAGE: Record<string, StageName> = {
  Namespace: 'namespaces',
  CustomResourceDefinition: 'namespaces',
  ClusterRole: 'policy',
  ClusterRoleBinding: 'policy',
  Role: 'policy',
  RoleBinding: 'policy',
  PriorityClass: 'policy',
  StorageClass: 'policy',
  IngressClass: 'policy',
  RuntimeClass: 'policy',
  PersistentVolume: 'policy',
  ResourceQuota: 'policy',
  LimitRange: 'policy',
  ServiceAccount: 'config',
  Secret: 'config',
  ConfigMap: 'config',
  NetworkPolicy: 'config',
  PersistentVolumeClaim: 'config',
  Service: 'services',
  Endpoints: 'services',
  EndpointSlice: 'services',
  Pod: 'workloads',
  ReplicaSet: 'workloads',
  ReplicationController: 'workloads',
  Deployment: 'workloads',
  StatefulSet: 'workloads',
  DaemonSet: 'workloads',
  Job: 'workloads',
  CronJob: 'workloads',
  HorizontalPodAutoscaler: 'workloads',
  PodDisruptionBudget: 'workloads',
};

export function stageOf(kind: string): StageName {
  // own keys only: a custom resource of kind `constructor` is an ordinary kind
  return Object.hasOwn(KIND_STAGE, kind) ? KIND_STAGE[kind]! : 'other';
}

/** Delete order for pruning: the reverse of the apply order (workloads before what they use). */
export function pruneRank(kind: string): number {
  return STAGE_ORDER.length - STAGE_ORDER.indexOf(stageOf(kind));
}

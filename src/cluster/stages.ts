// Apply order: what other objects need must exist first. Namespaces and CRDs (custom resources
// wait for their CRD to be Established), then cluster-wide RBAC and policy, then the configuration
// pods mount, then Services (so that pods get their environment variables), then workloads, then
// everything else (Ingresses, custom resources, webhooks last so they cannot block the rest).

export type StageName = 'namespaces' | 'rbac' | 'config' | 'services' | 'workloads' | 'other';

export const STAGE_ORDER: readonly StageName[] = ['namespaces', 'rbac', 'config', 'services', 'workloads', 'other'];

const KIND_STAGE: Record<string, StageName> = {
  Namespace: 'namespaces',
  CustomResourceDefinition: 'namespaces',
  ClusterRole: 'rbac',
  ClusterRoleBinding: 'rbac',
  Role: 'rbac',
  RoleBinding: 'rbac',
  PriorityClass: 'rbac',
  StorageClass: 'rbac',
  IngressClass: 'rbac',
  RuntimeClass: 'rbac',
  PersistentVolume: 'rbac',
  ServiceAccount: 'config',
  Secret: 'config',
  ConfigMap: 'config',
  ResourceQuota: 'config',
  LimitRange: 'config',
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
  return KIND_STAGE[kind] ?? 'other';
}

/** Delete order for pruning: the reverse of the apply order (workloads before what they use). */
export function pruneRank(kind: string): number {
  return STAGE_ORDER.length - STAGE_ORDER.indexOf(stageOf(kind));
}

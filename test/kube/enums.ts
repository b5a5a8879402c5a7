// Enumerated fields of the built-in kinds that the real API server validates (422
// FieldValueNotSupported, `Unsupported value: "X": supported values: …`), with the field paths
// it prints (`spec.template.spec.containers[0].imagePullPolicy`).

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';
import type { StatusCause } from './status.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function items(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

export function unsupportedValues(kind: string, o: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const check = (field: string, value: Json | undefined, allowed: string[]) => {
    if (value === undefined || value === null || (typeof value === 'string' && allowed.includes(value))) return;
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, field });
  };
  const podSpec = (path: string, spec: JsonObject, restart = ['Always', 'Never', 'OnFailure']) => {
    check(`${path}.restartPolicy`, spec.restartPolicy, restart);
    check(`${path}.dnsPolicy`, spec.dnsPolicy, ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']);
    for (const list of ['initContainers', 'containers']) {
      items(spec[list]).forEach((c, i) => {
        check(`${path}.${list}[${i}].imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']);
        items(c.ports).forEach((p, j) => check(`${path}.${list}[${i}].ports[${j}].protocol`, p.protocol, PROTOCOLS));
      });
    }
  };
  const spec = obj(o.spec);
  const template = (path: string, restart?: string[]) => podSpec(`${path}.template.spec`, obj(obj(spec.template).spec), restart);
  switch (kind) {
    case 'Pod':
      podSpec('spec', spec);
      break;
    case 'Deployment':
      check('spec.strategy.type', obj(spec.strategy).type, ['Recreate', 'RollingUpdate']);
      template('spec');
      break;
    case 'StatefulSet':
      check('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']);
      check('spec.updateStrategy.type', obj(spec.updateStrategy).type, ['OnDelete', 'RollingUpdate']);
      template('spec');
      break;
    case 'DaemonSet':
      check('spec.updateStrategy.type', obj(spec.updateStrategy).type, ['OnDelete', 'RollingUpdate']);
      template('spec');
      break;
    case 'ReplicaSet':
      template('spec');
      break;
    case 'Job':
      template('spec', ['OnFailure', 'Never']);
      break;
    case 'CronJob':
      check('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']);
      podSpec('spec.jobTemplate.spec.template.spec', obj(obj(obj(obj(spec.jobTemplate).spec).template).spec), ['OnFailure', 'Never']);
      break;
    case 'Service':
      check('spec.type', spec.type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
      check('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']);
      items(spec.ports).forEach((p, i) => check(`spec.ports[${i}].protocol`, p.protocol, PROTOCOLS));
      break;
    case 'PersistentVolumeClaim':
      (Array.isArray(spec.accessModes) ? spec.accessModes : []).forEach((m, i) => check(`spec.accessModes[${i}]`, m, ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']));
      break;
    case 'Ingress':
      items(spec.rules).forEach((r, i) => items(obj(r.http).paths).forEach((p, j) => check(`spec.rules[${i}].http.paths[${j}].pathType`, p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix'])));
      break;
  }
  return causes;
}

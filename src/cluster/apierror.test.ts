import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiError, immutableFields } from './apierror.js';

const apiException = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify(body) });

test('a server-side apply conflict names each field and its manager', () => {
  const e = apiError(
    apiException(409, {
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      message: 'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas',
      code: 409,
      details: {
        causes: [
          { type: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' },
          { type: 'FieldManagerConflict', message: 'conflict with "hpa-controller" using apps/v1', field: '.spec.template.spec.containers[name="web"].image' },
        ],
      },
    }),
    'apps/v1 Deployment ns/web',
  );
  assert.is(e.code, 'apply-conflict');
  assert.is(
    e.message,
    'apps/v1 Deployment ns/web: conflict: .spec.replicas is owned by field manager "kubectl-edit"; .spec.template.spec.containers[name="web"].image is owned by field manager "hpa-controller" (re-run with --force-conflicts to take these fields over)',
  );
});

test('other API errors carry the Status message and HTTP code', () => {
  const e = apiError(apiException(422, { kind: 'Status', message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1', code: 422 }), 'apps/v1 Deployment ns/web');
  assert.is(e.message, 'apps/v1 Deployment ns/web: Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1 (HTTP 422)');
  assert.is(apiError(apiException(503, 'upstream busy\nmore'), 'x').message, 'x: upstream busy (HTTP 503)');
});

test('immutable-field refusals are recognized with their fields', () => {
  const job = apiException(422, {
    kind: 'Status',
    reason: 'Invalid',
    message: 'Job.batch "tests" is invalid: spec.template: Invalid value: {...}: field is immutable',
    code: 422,
    details: { causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: {...}: field is immutable', field: 'spec.template' }] },
  });
  assert.equal(immutableFields(job), ['spec.template']);
  const sts = apiException(422, { kind: 'Status', code: 422, message: 'StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than ...', details: { causes: [{ message: "Forbidden: updates to statefulset spec for fields other than 'replicas'", field: 'spec' }] } });
  assert.equal(immutableFields(sts), ['spec']);
  assert.is(immutableFields(apiException(422, { kind: 'Status', code: 422, message: 'spec.replicas: Invalid value: -1' })), undefined);
  assert.is(immutableFields(apiException(409, { kind: 'Status', code: 409, message: 'field is immutable' })), undefined);
});

test('connection failures say the cluster cannot be reached', () => {
  const e = apiError(Object.assign(new Error('request to http://127.0.0.1:1/api failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'v1 ConfigMap a/b', 'http://127.0.0.1:1');
  assert.is(e.code, 'cluster-unreachable');
  assert.match(e.message, /^v1 ConfigMap a\/b: cannot reach the cluster at http:\/\/127.0.0.1:1: request to/);
});

test.run();

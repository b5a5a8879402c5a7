import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiError, fieldConflicts, immutableFields } from './apierror.js';

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
          { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' },
          { reason: 'FieldManagerConflict', message: 'conflict with "hpa-controller" using apps/v1', field: '.spec.template.spec.containers[name="web"].image' },
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

test('a conflict with a manager that wrote through a subresource names it (kubectl scale)', () => {
  const err = apiException(409, {
    kind: 'Status',
    reason: 'Conflict',
    code: 409,
    message: 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" with subresource "scale" using apps/v1', field: '.spec.replicas' }] },
  });
  assert.equal(fieldConflicts(err), [{ field: '.spec.replicas', manager: 'kubectl-scale', subresource: 'scale' }]);
  assert.match(apiError(err, 'x').message, /^x: conflict: \.spec\.replicas is owned by field manager "kubectl-scale" \(subresource scale\)/);
  assert.equal(fieldConflicts(apiException(422, { kind: 'Status', code: 422 })), []);
});

test('an immutable Job template is one short line naming the field, not the Go struct dump', () => {
  const dump = `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Name:"", ${'GenerateName:"", '.repeat(200)}}}`;
  const err = apiException(422, {
    kind: 'Status',
    reason: 'Invalid',
    code: 422,
    message: `Job.batch "tests" is invalid: spec.template: Invalid value: ${dump}: field is immutable`,
    details: { name: 'tests', group: 'batch', kind: 'Job', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${dump}: field is immutable`, field: 'spec.template' }] },
  });
  assert.is(apiError(err, 'batch/v1 Job ci/tests').message, 'batch/v1 Job ci/tests: Job.batch "tests" is invalid: spec.template: field is immutable (HTTP 422)');
  const secret = apiException(422, {
    kind: 'Status',
    code: 422,
    message: 'Secret "tls" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable',
    details: { causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "kubernetes.io/tls": field is immutable', field: 'type' }] },
  });
  assert.is(apiError(secret, 'v1 Secret a/tls').message, 'v1 Secret a/tls: Secret "tls" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable (HTTP 422)');
});

test('a multi-line server message becomes one line', () => {
  const err = apiException(500, { kind: 'Status', code: 500, message: 'failed to create typed patch object (a/b; /v1, Kind=ConfigMap): errors:\n  .x: field not declared in schema\n  .y: field not declared in schema' });
  assert.is(apiError(err, 'v1 ConfigMap a/b').message, 'v1 ConfigMap a/b: failed to create typed patch object (a/b; /v1, Kind=ConfigMap): errors: .x: field not declared in schema .y: field not declared in schema (HTTP 500)');
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

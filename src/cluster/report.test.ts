import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import type { ResId } from '../kustomize/resource.js';
import { objectLine, reportJson, summaryLine, textProgress, type ApplyReport } from './report.js';

const id = (kind: string, name: string, namespace = 'ns', group = '', version = 'v1'): ResId => ({ group, version, kind, namespace, name });

function sink(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

test('object lines name the object and the action, and dry runs say so', () => {
  assert.is(objectLine({ id: id('Deployment', 'web', 'shop', 'apps'), action: 'created' }, false), 'apps/v1 Deployment shop/web created');
  assert.is(objectLine({ id: id('ConfigMap', 'c'), action: 'unchanged' }, true), 'v1 ConfigMap ns/c unchanged (server dry run)');
  assert.is(objectLine({ id: id('Secret', 's'), action: 'failed', note: 'forbidden (HTTP 403)' }, true), 'v1 Secret ns/s failed: forbidden (HTTP 403)');
});

test('the summary counts actions, prunes and retries', () => {
  const report: ApplyReport = {
    env: 'ci',
    dryRun: false,
    applySet: { id: 'applyset-x-v1', parent: 'secrets/kts-applyset-ci -n ns' },
    objects: [
      { id: id('ConfigMap', 'a'), action: 'created' },
      { id: id('ConfigMap', 'b'), action: 'unchanged' },
      { id: id('ConfigMap', 'c'), action: 'unchanged' },
    ],
    pruned: [{ id: id('Service', 'old'), action: 'pruned' }],
    waited: [],
    retries: 2,
    ok: true,
  };
  assert.is(summaryLine(report), 'ci: 1 created, 0 configured, 2 unchanged, 1 pruned, 2 requests retried');
  const json = JSON.parse(reportJson(report));
  assert.equal(json.objects[0], { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a', action: 'created' });
  assert.equal(json.pruned, [{ apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'old', action: 'pruned' }]);
});

test('status lines are rewritten in place on a terminal and printed once per change in logs', () => {
  const log = sink(false);
  const p = textProgress(log.stream, log.stream);
  p.status('waiting: 0 of 2');
  p.status('waiting: 0 of 2');
  p.status('waiting: 1 of 2');
  p.info('done');
  assert.is(log.text(), 'waiting: 0 of 2\nwaiting: 1 of 2\ndone\n');
  const tty = sink(true);
  const t = textProgress(tty.stream, tty.stream);
  t.status('waiting: 0 of 2');
  t.status('waiting: 1 of 2');
  t.info('done');
  assert.is(tty.text(), 'waiting: 0 of 2\r\x1b[2Kwaiting: 1 of 2\r\x1b[2Kdone\n');
});

test.run();

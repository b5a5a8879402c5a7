import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leaseCache } from './cache.js';

const url = 'https://git.example/deploy.git';

test('leaseCache: one owner per repository and branch; a busy cache yields a private temporary one', () => {
  const root = mkdtempSync(join(tmpdir(), 'kts-cache-test-'));
  try {
    const first = leaseCache(root, url, 'main');
    assert.not.ok(first.temporary);
    assert.ok(first.gitdir.startsWith(root));
    assert.is(readFileSync(join(dirname(first.gitdir), 'lock'), 'utf8'), String(process.pid));
    const second = leaseCache(root, url, 'main');
    assert.ok(second.temporary);
    assert.not.ok(second.gitdir.startsWith(root));
    const other = leaseCache(root, url, 'release');
    assert.not.ok(other.temporary, 'another branch has its own cache');
    // Credentials in the URL do not change which cache is used.
    assert.ok(leaseCache(root, 'https://bot:tok@git.example/deploy.git', 'main').temporary);
    second.release();
    assert.not.ok(existsSync(dirname(second.gitdir)), 'a temporary cache is deleted');
    first.release();
    other.release();
    const again = leaseCache(root, url, 'main');
    assert.not.ok(again.temporary);
    assert.is(again.gitdir, first.gitdir);
    again.release();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('leaseCache: a stale lock (dead process, our own pid, hours old) is taken over', () => {
  const root = mkdtempSync(join(tmpdir(), 'kts-cache-test-'));
  try {
    const probe = leaseCache(root, url, 'main');
    probe.release();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dirname(probe.gitdir), 'lock'), dead);
    const lease = leaseCache(root, url, 'main');
    assert.not.ok(lease.temporary);
    lease.release();
    // A lock naming our own pid comes from an earlier run in another container: we do not hold it.
    writeFileSync(join(dirname(probe.gitdir), 'lock'), String(process.pid));
    const own = leaseCache(root, url, 'main');
    assert.not.ok(own.temporary);
    own.release();
    // A lock untouched for hours is stale whoever wrote it.
    const lock = join(dirname(probe.gitdir), 'lock');
    writeFileSync(lock, String(process.ppid));
    utimesSync(lock, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const old = leaseCache(root, url, 'main');
    assert.not.ok(old.temporary);
    old.release();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('leaseCache without a root always works in a temporary folder', () => {
  const lease = leaseCache(undefined, url, 'main');
  assert.ok(lease.temporary);
  lease.release();
});

test.run();

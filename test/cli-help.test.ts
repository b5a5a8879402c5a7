import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kts } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';

// The front door: version, help for kts and for each command, suggestions for typos.

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('kts version and kts --version print the package version', () => {
  for (const args of [['version'], ['--version']]) {
    const r = kts(args);
    assert.is(r.code, 0);
    assert.is(r.stdout, `${version}\n`);
  }
});

test('the top-level help lists every command with a one-line summary', () => {
  const r = kts(['help']);
  assert.is(r.code, 0);
  for (const name of ['build', 'render', 'context', 'validate', 'publish', 'promote', 'unpublish', 'apply', 'env', 'diff', 'version', 'help']) {
    assert.match(r.stdout, new RegExp(`\\n  ${name} +\\S.+\\n`), name);
  }
  assert.match(r.stdout, '  build      Build a kustomization directory (kustomize build compatible)\n');
  assert.is(kts(['--help']).stdout, r.stdout);
  const bare = kts([]);
  assert.is(bare.code, 2, 'no command is a usage error');
  assert.is(bare.stdout, r.stdout);
});

test('kts help COMMAND prints what kts COMMAND --help prints', () => {
  for (const name of ['build', 'render', 'env']) {
    const help = kts(['help', name]);
    assert.is(help.code, 0, name);
    assert.is(help.stdout, kts([name, '--help']).stdout, name);
    assert.match(help.stdout, `kts ${name}`);
  }
  assert.match(kts(['help', 'build']).stdout, '--enable-helm');
});

test('a mistyped command or flag gets a suggestion and exit 2; a far-off one just the error', () => {
  const cmd = kts(['biuld', '.']);
  assert.is(cmd.code, 2);
  assert.is(cmd.stderr, "kts: unknown command 'biuld' (did you mean 'build'?)\nRun 'kts --help' for usage.\n");
  assert.match(kts(['help', 'rendr']).stderr, "unknown command 'rendr' (did you mean 'render'?)");
  assert.match(kts(['frobnicate']).stderr, "kts: unknown command 'frobnicate'\n");
  const flag = kts(['render', 'ci', '--brnach', 'main']);
  assert.is(flag.code, 2);
  assert.is(flag.stderr, "kts: unknown flag --brnach (did you mean --branch?)\nRun 'kts render --help' for usage.\n");
  const env = kts(['env', 'list', '--jsno']);
  assert.is(env.code, 2);
  assert.match(env.stderr, 'unknown flag --jsno (did you mean --json?)');
});

test.run();

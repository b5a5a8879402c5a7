import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeFlags } from './args.js';
import { UsageError } from '../errors.js';

const options = { output: { type: 'string', short: 'o' }, 'load-restrictor': { type: 'string' }, 'enable-helm': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

test('pflag spellings become what parseArgs reads', () => {
  assert.equal(normalizeFlags(['-o=out.yaml', 'dir'], options).args, ['--output=out.yaml', 'dir']);
  assert.equal(normalizeFlags(['-oout.yaml'], options).args, ['--output=out.yaml']);
  assert.equal(normalizeFlags(['-o', '-weird-name.yaml'], options).args, ['--output=-weird-name.yaml']);
  assert.equal(normalizeFlags(['--load_restrictor', 'LoadRestrictionsNone'], options).args, ['--load-restrictor=LoadRestrictionsNone']);
  assert.equal(normalizeFlags(['-o'], options).args, ['-o'], 'a missing value is left for parseArgs to report');
  assert.equal(normalizeFlags(['--enable-helm=true'], options).args, ['--enable-helm']);
  assert.equal(normalizeFlags(['--enable-helm=0'], options), { args: [], falses: ['enable-helm'] });
  assert.equal(normalizeFlags(['--', '--not-a-flag'], options).args, ['--', '--not-a-flag']);
});

test('unknown flags and bad booleans are usage errors, with the nearest flag suggested', () => {
  assert.throws(() => normalizeFlags(['--ouptut', 'x'], options), (e: unknown) => e instanceof UsageError && e.message === 'unknown flag --ouptut (did you mean --output?)');
  assert.throws(() => normalizeFlags(['--toString'], options), (e: unknown) => e instanceof UsageError && e.message === 'unknown flag --toString');
  assert.throws(() => normalizeFlags(['-x'], options), /unknown flag -x/);
  assert.throws(() => normalizeFlags(['--enable-helm=yes'], options), /invalid value 'yes' for --enable-helm: expected true or false/);
});

test.run();

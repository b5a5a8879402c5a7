import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { branchSlug, isDnsLabel, MIN_SLUG_LENGTH, slugRoom } from './slug.js';
import { rng } from '../../test/helpers/rng.js';

const ALPHABETS = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', '-', '/_. ', 'éüßøÅ漢字ñ😀日本語', '\t#@:;$%{}&', '234567'];

function randomName(r: () => number): string {
  const len = Math.floor(r() ** 3 * 220);
  let s = '';
  for (let i = 0; i < len; i++) {
    const alphabet = ALPHABETS[Math.floor(r() * r() * ALPHABETS.length)]!;
    s += [...alphabet][Math.floor(r() * [...alphabet].length)];
  }
  return s;
}

/** Names built to collide after lowercasing/replacing/truncating. */
function adversarial(r: () => number): string[] {
  const word = randomName(r).replace(/[^a-z]/g, '') || 'feature';
  const long = 'feature/'.padEnd(80, 'x');
  return [
    word,
    word.toUpperCase(),
    `${word}/x`,
    `${word}_x`,
    `${word}-x`,
    `${word}--x`,
    `${word}.x`,
    `${word} x`,
    `-${word}`,
    `${word}-`,
    `${long}${word}`,
    `${long}${word}!`,
    `${word}-0123456789`,
    `${word}-abcdef0123`,
    `${word}-abcdefghij234567klmn`,
    `x-${word.padEnd(20, 'a').slice(0, 20)}`,
    branchSlug(word.toUpperCase()),
    branchSlug(`${word}漢`).slice(2),
    `${word}é`,
    `${word}e`,
  ];
}

test('readable names stay as they are', () => {
  assert.is(branchSlug('main'), 'main');
  assert.is(branchSlug('release-2-1'), 'release-2-1');
  assert.is(branchSlug('feature-payments', slugRoom('preview')), 'feature-payments');
});

test('lossy names get a readable prefix and a stable hash', () => {
  const s = branchSlug('feature/JIRA-123_Add Payments');
  assert.match(s, /^feature-jira-123-add-payments-[a-z2-7]{20}$/);
  assert.is(branchSlug('feature/JIRA-123_Add Payments'), s, 'deterministic');
  assert.is.not(branchSlug('feature/jira-123-add-payments'), s);
  assert.is.not(branchSlug('Main'), 'main');
  assert.match(branchSlug('Crème brûlée'), /^creme-brulee-[a-z2-7]{20}$/);
  assert.match(branchSlug('漢字'), /^x-[a-z2-7]{20}$/);
  assert.match(branchSlug(''), /^x-[a-z2-7]{20}$/);
});

test('long names are truncated to fit the namespace prefix', () => {
  const name = `feature/${'very-long-branch-name-'.repeat(10)}`;
  const s = branchSlug(name, slugRoom('preview'));
  assert.ok(s.length <= 63 - 'preview-'.length, s);
  assert.ok(isDnsLabel(`preview-${s}`));
  assert.match(s, /^feature-very-long-branch-name-.*-[a-z2-7]{20}$/);
});

test('a valid name that looks like a hashed slug is hashed itself', () => {
  for (const lossy of [branchSlug('Fix'), branchSlug('日本語'), branchSlug('')]) {
    assert.is.not(branchSlug(lossy), lossy);
    assert.is.not(branchSlug(lossy.slice(2)), lossy, 'nor does the bare hash of a name without readable characters');
  }
});

test('the slugs reported colliding with 40-bit hashes differ', () => {
  assert.is.not(branchSlug('Feature/Payments;$;&&_'), branchSlug('Feature/Payments$%{%;-'));
  assert.is.not(branchSlug('日本語'), branchSlug('中文'));
});

test('rejects a room too small for the hash', () => {
  assert.throws(() => branchSlug('x', MIN_SLUG_LENGTH - 1), /slug length/);
});

test('property: every slug is a DNS-1123 label within the room, for generated names', () => {
  const r = rng(20261122);
  for (let i = 0; i < 5000; i++) {
    const name = randomName(r);
    const room = MIN_SLUG_LENGTH + Math.floor(r() * (63 - MIN_SLUG_LENGTH + 1));
    const s = branchSlug(name, room);
    assert.ok(isDnsLabel(s, room), `${JSON.stringify(name)} (room ${room}) -> ${JSON.stringify(s)}`);
  }
});

test('property: different branch names never share a slug', () => {
  const r = rng(42);
  for (const room of [63, slugRoom('preview'), MIN_SLUG_LENGTH]) {
    const seen = new Map<string, string>();
    const names = new Set<string>();
    for (let i = 0; i < 800; i++) {
      names.add(randomName(r));
      for (const n of adversarial(r)) names.add(n);
    }
    assert.ok(names.size > 10000, `generated ${names.size} names`);
    for (const name of names) {
      const s = branchSlug(name, room);
      const other = seen.get(s);
      assert.ok(other === undefined, `${JSON.stringify(name)} and ${JSON.stringify(other)} both -> ${s} (room ${room})`);
      seen.set(s, name);
    }
  }
});

test.run();

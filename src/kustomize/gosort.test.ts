import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goSort } from './gosort.js';

const byKey = (a: { k: number }, b: { k: number }) => a.k < b.k;

test('goSort sorts, including long inputs that take the quicksort, pattern-breaking and partial insertion paths', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (const n of [0, 1, 5, 12, 13, 49, 50, 51, 200, 1000]) {
    const xs = Array.from({ length: n }, () => rand() % 37);
    assert.equal(goSort([...xs], (a, b) => a < b), [...xs].sort((a, b) => a - b));
    const asc = [...xs].sort((a, b) => a - b);
    assert.equal(goSort([...asc].reverse(), (a, b) => a < b), asc);
  }
});

test('goSort keeps equal elements in order up to 12 elements (insertion sort); beyond, the defaults test pins the order Go gives', () => {
  const small = [2, 1, 2, 1, 2].map((k, i) => ({ k, i }));
  assert.equal(goSort(small, byKey).map((x) => x.i), [1, 3, 0, 2, 4]);
});

test.run();

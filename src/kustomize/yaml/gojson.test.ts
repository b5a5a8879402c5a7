import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goJson } from './gojson.js';

test('keys are sorted at every level and HTML characters escaped as Go does', () => {
  assert.is(goJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: '<a & b>' } }), '{"a":{"c":"\\u003ca \\u0026 b\\u003e","d":[{"y":2,"z":1}]},"b":1}');
});

test('line and paragraph separators are escaped, control characters as \\u00XX', () => {
  assert.is(goJson({ s: 'a\u2028b\u2029c\u0001\n' }), '{"s":"a\\u2028b\\u2029c\\u0001\\n"}');
});

test('numbers format like Go float64', () => {
  assert.is(goJson([1, 1.5, 1e21, 1e-7, 0.000001, 100]), '[1,1.5,1e+21,1e-7,0.000001,100]');
  assert.is(goJson({ big: 9007199254740993n, neg: -9223372036854775808n }), '{"big":9007199254740993,"neg":-9223372036854775808}');
});

test.run();

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readBody, request } from './http.js';

// Two loopback servers: same host, different ports, i.e. different origins.
async function server(handler: (path: string, headers: IncomingHttpHeaders) => { status: number; location?: string; body?: string }) {
  const s = createServer((req, res) => {
    const r = handler(req.url ?? '/', req.headers);
    res.writeHead(r.status, r.location ? { Location: r.location } : {}).end(r.body ?? '');
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => s.close(() => r())) };
}

test('credentials follow a redirect within the origin and are dropped on a redirect to another port', async () => {
  const seen: Record<string, string | undefined> = {};
  const other = await server((path, h) => {
    seen[`other${path}`] = h.authorization;
    return { status: 200, body: 'elsewhere' };
  });
  const first = await server((path, h) => {
    seen[path] = h.authorization;
    if (path === '/same') return { status: 301, location: '/final' };
    if (path === '/away') return { status: 302, location: `${other.base}/x` };
    return { status: 200, body: 'here' };
  });
  try {
    const same = await request({ url: `${first.base}/same`, headers: { Authorization: 'Basic c2VjcmV0' } });
    assert.is((await readBody(same)).toString(), 'here');
    assert.is(seen['/final'], 'Basic c2VjcmV0');
    const away = await request({ url: `${first.base}/away`, headers: { Authorization: 'Basic c2VjcmV0' } });
    assert.is((await readBody(away)).toString(), 'elsewhere');
    assert.is(seen['/away'], 'Basic c2VjcmV0');
    assert.is(seen['other/x'], undefined);
    // Userinfo in the URL becomes a header for that origin only.
    const userinfo = await request({ url: first.base.replace('http://', 'http://u:p@') + '/away' });
    await readBody(userinfo);
    assert.is(seen['/away'], `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.is(seen['other/x'], undefined);
  } finally {
    await Promise.all([first.close(), other.close()]);
  }
});

test.run();

// HTTP(S) requests for git and file fetches, following redirects ourselves so credentials never
// leave their origin: the Authorization header (and any userinfo) is dropped as soon as a redirect
// points to another scheme, host or port. simple-get, isomorphic-git's default Node client, only
// compares host names and only drops a lower-case `authorization` header.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Milliseconds without progress before the request fails. */
  timeoutMs?: number;
}

export interface HttpResponse {
  url: string;
  method: string;
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string>;
  body: AsyncIterableIterator<Uint8Array>;
}

const MAX_REDIRECTS = 10;
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** Origin as browsers define it: scheme, host and port. */
export function origin(url: string): string {
  return new URL(url).origin;
}

async function collectBody(body: HttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, timeout: timeoutMs }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no response within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(Object.assign(e, { reused: req.reusedSocket })));
    req.end(body);
  });
}

/** One request; a kept-alive connection the server closed meanwhile is retried once on a new one. */
async function once(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<IncomingMessage> {
  try {
    return await send(url, method, headers, body, timeoutMs);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { reused?: boolean };
    if (!err.reused || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE')) throw e;
    return send(url, method, headers, body, timeoutMs);
  }
}

/** One request with redirects followed; credentials only ever go to the origin first asked. */
export async function request(req: HttpRequest): Promise<HttpResponse> {
  const first = new URL(req.url);
  if (first.protocol !== 'http:' && first.protocol !== 'https:') throw new Error(`unsupported protocol ${first.protocol}`);
  let headers: Record<string, string> = { ...req.headers };
  if (first.username || first.password) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(first.username)}:${decodeURIComponent(first.password)}`).toString('base64')}`;
    first.username = '';
    first.password = '';
  }
  let method = req.method ?? 'GET';
  let body = await collectBody(req.body);
  let url = first;
  for (let hops = 0; ; hops++) {
    const res = await once(url, method, headers, body, req.timeoutMs ?? 60_000);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location && status !== 304) {
      res.resume();
      if (hops >= MAX_REDIRECTS) throw new Error('too many redirects');
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirect to unsupported protocol ${next.protocol}`);
      next.username = '';
      next.password = '';
      if (next.origin !== first.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())));
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    return {
      url: url.toString(),
      method,
      statusCode: status,
      statusMessage: res.statusMessage ?? '',
      headers: flat,
      body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
    };
  }
}

/** A whole response body. */
export async function readBody(res: HttpResponse): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The client isomorphic-git takes as `http`. */
export const gitHttp = { request };

// Which credentials a remote reference may carry. A kustomization comes from a pull request, so a
// token from the environment goes only to the hosts its owner listed in KTS_GIT_TOKEN_HOSTS, never to
// whatever host a kustomization names; userinfo written in a URL goes only to that URL's origin.
import { credentialsFromEnv } from '../net/credentials.js';

export type AuthHeaders = Record<string, string>;

function basic(username: string, password: string): AuthHeaders {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** `host` (default port only) or `host:port` entries, comma or space separated. */
function allowedHosts(env: NodeJS.ProcessEnv): string[] {
  return (env.KTS_GIT_TOKEN_HOSTS ?? '').split(/[\s,]+/).filter(Boolean).map((h) => h.toLowerCase());
}

/** Headers to send with requests to `url` (the first request; redirects to another origin drop them). */
export function authFor(url: string, env: NodeJS.ProcessEnv = process.env): AuthHeaders {
  const u = new URL(url);
  if (u.username || u.password) return basic(decodeURIComponent(u.username), decodeURIComponent(u.password));
  const creds = credentialsFromEnv(env);
  if (!creds) return {};
  const hosts = allowedHosts(env);
  return hosts.includes(u.host.toLowerCase()) ? basic(creds.username, creds.password) : {};
}

/** The URL without userinfo (it travels in the header instead). */
export function withoutUserinfo(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

// Credentials and identity for deploy-repository commits, from flags and the environment. The token
// only ever travels in the Authorization header; every URL we print goes through redactUrl.
import { UsageError } from '../errors.js';
import { credentialsFromEnv, type Credentials } from '../net/credentials.js';
import { redactUrl } from '../net/redact.js';

export { credentialsFromEnv, type Credentials };

export interface Identity {
  name: string;
  email: string;
}

/** Splits credentials embedded in a URL (`https://user:token@host/x.git`) from the URL itself. */
export function splitUrlCredentials(url: string): { url: string; credentials?: Credentials } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--repo: '${redactUrl(url)}' is not a URL (expected http(s)://host/path.git)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--repo: only http(s) deploy repositories are supported, not '${parsed.protocol}'`);
  }
  if (!parsed.username && !parsed.password) return { url };
  const credentials = { username: decodeURIComponent(parsed.username) || 'kts', password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), credentials };
}

/** `Name <email>` from a flag, else GIT_AUTHOR_NAME/EMAIL (or KTS_GIT_AUTHOR_*), else a bot identity. */
export function identityFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Identity {
  if (flag !== undefined) {
    const m = /^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$/.exec(flag);
    if (!m || !m[1]) throw new UsageError(`--author: expected 'Name <email>', got '${flag}'`);
    return { name: m[1], email: m[2] };
  }
  return {
    name: env.KTS_GIT_AUTHOR_NAME || env.GIT_AUTHOR_NAME || 'kts',
    email: env.KTS_GIT_AUTHOR_EMAIL || env.GIT_AUTHOR_EMAIL || 'kts@localhost',
  };
}

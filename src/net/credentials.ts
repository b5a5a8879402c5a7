// Git credentials from the environment, shared by the deploy repository and remote bases.

export interface Credentials {
  username: string;
  password: string;
}

/** Token-as-password basic auth from KTS_GIT_TOKEN / GIT_TOKEN (username KTS_GIT_USERNAME / GIT_USERNAME). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const password = env.KTS_GIT_TOKEN || env.GIT_TOKEN;
  if (!password) return undefined;
  // Hosting services ignore the user name for tokens but basic auth needs one.
  return { username: env.KTS_GIT_USERNAME || env.GIT_USERNAME || 'kts', password };
}

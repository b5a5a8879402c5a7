// Runs the real kubectl against a test server. Global flags go after the command: with
// KUBECTL_APPLYSET set, the installed kubectl dispatcher refuses flags before the command name.
// Commands that go through kubectl's typed clients send protobuf, which this server decodes only
// for `kubectl create namespace|configmap|secret|serviceaccount` (415 otherwise); use `apply`.

import { spawn } from 'node:child_process';
import { hasProgram } from '../helpers/cli.js';
import type { KubeServer } from './server.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const kubectlAvailable = hasProgram('kubectl');

export function kubectl(server: KubeServer, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    delete env.KUBECONFIG;
    const child = spawn('kubectl', [...args, '--kubeconfig', server.kubeconfigPath, '--cache-dir', server.cacheDir], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

import { workerThreads } from '../builtins.js';

// Deeply nested input (kustomize accepts up to 10,000 levels) recurses deeper than V8's default
// stack (about 1 MB) allows in the reader, the merge and the printer. Rather than pay for a
// larger stack on every run, a command that overflows runs again on a thread with a large one.

const STACK_MB = 512;

/** V8's stack overflow (a RangeError), as recursive code meets deeply nested input. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && err.message === 'Maximum call stack size exceeded';
}

/** Whether a stack overflow can still be retried here (not already on the large stack). */
export const canRetryOnLargeStack = (): boolean => workerThreads().isMainThread;

/** Runs `script` (the CLI) with `argv` on a thread with a large stack; resolves to its exit code. */
export function runOnLargeStack(script: string, argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new (workerThreads().Worker)(script, { argv, execArgv: process.execArgv, resourceLimits: { stackSizeMb: STACK_MB }, stdout: false, stderr: false });
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
}

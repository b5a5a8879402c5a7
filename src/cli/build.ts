import type { Command } from './command.js';
import { UsageError } from '../errors.js';

// Placeholder until the build engine lands: refuses instead of pretending.
export const command: Command = {
  summary: 'Build a kustomization directory (kustomize build compatible)',
  async run(argv: string[]): Promise<number> {
    throw new UsageError(`build is not implemented yet (${argv.join(' ')})`);
  },
};

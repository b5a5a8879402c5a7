import { parseAllDocuments } from 'yaml';
import { KtsError } from '../../errors.js';
import type { Json } from '../resource.js';

// Interim version (coordinator is replacing it with kyaml-exact semantics); the signature is final.
/** Parses a multi-document YAML text; empty documents are dropped. Errors name `file` and the line. */
export function parseYamlDocuments(text: string, file: string): Json[] {
  const out: Json[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new KtsError('yaml', e.message.split('\n')[0]!, { file, line: e.linePos?.[0]?.line });
    }
    const v = doc.toJS() as Json;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

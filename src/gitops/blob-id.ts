import { createHash } from 'node:crypto';

/** The object id git gives a file with this content (`git hash-object`), computed without a repository. */
export function blobId(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

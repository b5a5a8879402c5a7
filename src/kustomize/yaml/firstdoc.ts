import type { Json } from '../resource.js';
import { parseYamlDocuments, type ParseOptions } from './parse.js';

// kustomize decodes kustomization files, configuration files and JSON patch files with go-yaml's
// Unmarshal (through sigs.k8s.io/yaml), which reads the first document of a stream and never
// looks at the rest, not even at its syntax. An empty first document is nothing, even when a
// later one has content.

const DOCUMENT_MARKER = /^(---|\.\.\.)([ \t\r]|$)/;

/** The text of a YAML stream's first document. */
export function firstDocumentText(text: string): string {
  const lines = text.split('\n');
  let started = false;
  for (const [i, line] of lines.entries()) {
    if (!started) {
      // comments, blank lines and directives come before the document; a `---` opens it
      started = !line.startsWith('%') && !/^\s*(#.*)?$/.test(line);
      continue;
    }
    if (DOCUMENT_MARKER.test(line)) return lines.slice(0, i).join('\n') + '\n';
  }
  return text;
}

/** The first document of a YAML stream, as go-yaml's Unmarshal reads it (null when it is empty). */
export function parseFirstDocument(text: string, file: string, opts: ParseOptions = {}): Json {
  return parseYamlDocuments(firstDocumentText(text), file, opts)[0] ?? null;
}

// Test helper: resources from inline multi-document YAML.

import { parseAllDocuments } from 'yaml';
import type { JsonObject, Resource } from '../resource.js';
import { newResource } from '../resource.js';

export function resources(text: string): Resource[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as JsonObject | null)
    .filter((o): o is JsonObject => o !== null)
    .map(newResource);
}

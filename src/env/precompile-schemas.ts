// Build step (npm run build): compiles the JSON Schemas to standalone validator code, so that a
// command validating kts.yaml does not spend ~50 ms compiling the schema with ajv at every start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { AnyValidateFunction } from 'ajv/dist/core.js';
import * as standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, precompiledDir, schema, SCHEMA_NAMES } from './schema.js';

// A CommonJS module whose exports is the function (its typings describe an ES default export).
const standaloneCode = standalone.default as unknown as (ajv: Ajv, validate: AnyValidateFunction) => string;

const out = precompiledDir();
mkdirSync(out, { recursive: true });
for (const name of SCHEMA_NAMES) {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  writeFileSync(join(out, `${name}.validate.cjs`), standaloneCode(ajv, ajv.compile(schema(name))));
}

// ajv's validation errors in the words of someone writing vigil's configuration: one problem per field, named by
// its dotted path ("rules.hr-high.raise.heldFor: must be a duration …"). Profiles, escalation policies, channel
// definitions and the site configuration all report through this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { CONFIG_DIR } from './paths.js';

export interface FieldProblem {
  /** dotted path of the field ('' = the document itself) */
  path: string;
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

/** The errors of `value` against a schema of config/schemas/ (compiled once, on first use); [] = valid. */
export function schemaErrors(schemaFile: string, value: unknown): ErrorObject[] {
  let validate = validators.get(schemaFile);
  if (validate === undefined) {
    const schema: unknown = JSON.parse(readFileSync(join(CONFIG_DIR, 'schemas', schemaFile), 'utf8'));
    validate = ajv.compile(schema as object);
    validators.set(schemaFile, validate);
  }
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Keywords that only say "one of the branches failed"; the branch's own errors say what. */
const WRAPPERS = new Set(['if', 'anyOf', 'oneOf', 'allOf']);
const DURATION = 'ms|s|m|h';

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Leaf errors only, first per field, in ajv's order. */
export function fieldProblems(errors: readonly ErrorObject[]): FieldProblem[] {
  const byPath = new Map<string, FieldProblem>();
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue;
    const pattern = String((error.params as { pattern?: unknown }).pattern ?? '');
    // "null or a duration": the type error next to the pattern error on the same field says less
    if (error.keyword === 'type' && error.schemaPath.includes('optionalDuration')) continue;
    let path = error.instancePath.slice(1).split('/').map(decodePointer).join('.');
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      path = [path, String((error.params as { additionalProperty?: unknown }).additionalProperty)].filter(Boolean).join('.');
      message = 'is not a known field';
    } else if (error.keyword === 'required') {
      path = [path, String((error.params as { missingProperty?: unknown }).missingProperty)].filter(Boolean).join('.');
      message = 'is required';
    } else if (error.keyword === 'pattern' && pattern.includes(DURATION)) {
      message = 'must be a duration such as 250ms, 10s, 5m or 1h';
    } else if (error.keyword === 'pattern' && pattern.includes('https?')) {
      message = 'must be an http:// or https:// URL';
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    if (!byPath.has(path)) byPath.set(path, { path, message });
  }
  return [...byPath.values()];
}

/** "path: message" lines; `root` names the document when the problem is with the whole of it. */
export function describeProblems(errors: readonly ErrorObject[], root: string, prefix = ''): string[] {
  return fieldProblems(errors).map(({ path, message }) => {
    const full = [prefix, path].filter(Boolean).join('.');
    return `${full === '' ? root : full}: ${message}`;
  });
}

import type Ajv from 'ajv';
import type {ErrorObject, ValidateFunction} from 'ajv';

import {ConfigError} from './errors';
import {readResource} from './resources';

/**
 * resources/spec.json is the one source of configuration truth: types, enums,
 * bounds, patterns, defaults and which fields are secrets are read from it
 * here, never repeated in code. What the spec cannot say (plain http only for
 * loopback hosts, which credential variant applies) lives in config.ts.
 */

export type JsonSchema = {
  type?: string;
  title?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  airbyte_secret?: boolean;
  [keyword: string]: unknown;
};

/** Airbyte's UI keywords: annotations, not validation. */
const AIRBYTE_KEYWORDS = [
  'order',
  'airbyte_secret',
  'airbyte_hidden',
  'always_show',
  'group',
  'display_type',
];

/** resources/spec.json, read once per process. */
const SPEC_DOCUMENT = readResource<{connectionSpecification: JsonSchema}>(
  'spec.json'
);

export const CONNECTION_SPEC: JsonSchema =
  SPEC_DOCUMENT.connectionSpecification;

/** A copy of resources/spec.json the caller may change (`spec` adds the CDK's properties to it). */
export function specDocument(): any {
  return structuredClone(SPEC_DOCUMENT);
}

let ajv: Ajv | undefined;
const compiled = new Map<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    if (!ajv) {
      // Loaded on first use: `spec` and the CDK's start-up do not pay for it.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const AjvClass: typeof Ajv = require('ajv').default;
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const addFormats = require('ajv-formats').default;
      // validateSchema off: checking our own spec against the draft-07
      // meta-schema costs ~40–50 ms per process (compiling the meta-schema), and
      // test/conformance.spec-lint.test.ts already does it for every build;
      // `strict` still rejects unknown keywords here.
      ajv = new AjvClass({
        allErrors: true,
        strict: true,
        validateSchema: false,
      });
      ajv.addVocabulary(AIRBYTE_KEYWORDS);
      addFormats(ajv);
    }
    v = ajv.compile({...schema, $schema: undefined});
    compiled.set(schema, v);
  }
  return v;
}

/** The credential variants of the spec, by their `auth_type` constant. */
export function credentialVariants(): Map<string, JsonSchema> {
  const variants = new Map<string, JsonSchema>();
  for (const v of CONNECTION_SPEC.properties?.credentials?.oneOf ?? []) {
    variants.set(String(v.properties?.auth_type?.const), v);
  }
  return variants;
}

/** `value` with the schema's defaults filled in for absent properties (one level). */
export function withDefaults<T extends Record<string, unknown>>(
  value: T,
  schema: JsonSchema
): T {
  const out: Record<string, unknown> = {...value};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (out[name] === undefined && prop.default !== undefined) {
      out[name] = prop.default;
    }
  }
  return out as T;
}

/**
 * Checks `value` against `schema`; throws one ConfigError naming every
 * property that is wrong, what the spec expects, and (unless it is a secret)
 * the value given. `prefix` names where `value` sits ("credentials").
 */
export function validateAgainst(
  value: Record<string, unknown>,
  schema: JsonSchema,
  prefix = ''
): void {
  const validate = validatorFor(schema);
  if (validate(value)) return;
  const problems = (validate.errors ?? []).map((e) =>
    describeProblem(e, value, schema, prefix)
  );
  throw new ConfigError([...new Set(problems)].join(' '), {
    code: 'CONFIG_INVALID',
  });
}

function describeProblem(
  e: ErrorObject,
  root: Record<string, unknown>,
  schema: JsonSchema,
  prefix: string
): string {
  const path = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') {
    path.push(String(e.params.missingProperty));
  }
  const prop = propertyAt(schema, path);
  const name = [prefix, ...path].filter(Boolean).join('.') || 'the config';
  if (e.keyword === 'required') return `${name} is required.`;
  const value = valueAt(root, path);
  const given = prop?.airbyte_secret ? '' : `, got ${JSON.stringify(value)}`;
  switch (e.keyword) {
    case 'enum':
      return `${name} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${given}.`;
    case 'pattern':
    case 'format': {
      const example = prop?.examples?.[0];
      const like = example !== undefined ? `, e.g. ${String(example)}` : '';
      return `${name} is not a valid ${String(e.params.format ?? prop?.format ?? 'value')}${like}${given}.`;
    }
    default:
      return `${name} ${e.message ?? 'is invalid'}${given}.`;
  }
}

function propertyAt(
  schema: JsonSchema,
  path: string[]
): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  for (const p of path) {
    s = s?.properties?.[p];
    if (!s) return undefined;
  }
  return s;
}

function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

/** Names of the properties the spec marks `airbyte_secret`, at any depth. */
export function secretFields(schema: JsonSchema = CONNECTION_SPEC): string[] {
  const names = new Set<string>();
  const walk = (s: JsonSchema | undefined): void => {
    if (!s) return;
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (prop.airbyte_secret) names.add(name);
      walk(prop);
    }
    for (const v of s.oneOf ?? []) walk(v);
  };
  walk(schema);
  return [...names];
}

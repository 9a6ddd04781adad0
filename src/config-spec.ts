import type {ErrorObject, ValidateFunction} from 'ajv';

import * as VALIDATORS from './config-validators.generated';
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
export const AIRBYTE_KEYWORDS = [
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

/**
 * How the config schemas are compiled (scripts/validators/code.ts, ahead of
 * time): every problem reported at once; `strict` rejects unknown keywords.
 * The schemas are not checked against the draft-07 meta-schema there:
 * test/conformance.spec-lint.test.ts does it on every build.
 */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  validateSchema: false,
} as const;

/** The schema of credentials of type `authType`, by its name in {@link validatedSchemas}. */
export function credentialsSchemaName(authType: string): string {
  return `credentials_${authType.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * The schemas a config is validated against, by name: `config`, the spec
 * without its credentials (checked apart, by variant, with their own
 * messages), and one per credential variant. Compiled ahead of time into
 * src/config-validators.generated.ts (`npm run gen:validators`).
 */
export function validatedSchemas(
  variants: Map<string, JsonSchema> = credentialVariants()
): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {
    config: {
      ...CONNECTION_SPEC,
      $schema: undefined,
      required: [],
      properties: {...CONNECTION_SPEC.properties, credentials: {}},
    },
  };
  for (const [type, variant] of variants) {
    const name = credentialsSchemaName(type);
    // Two auth types that differ only in their punctuation would share one validator.
    if (name in schemas) {
      throw new Error(
        `auth_type "${type}" has the validator name "${name}" of another variant`
      );
    }
    schemas[name] = variant;
  }
  return schemas;
}

let schemas: Record<string, JsonSchema> | undefined;

function validatorFor(name: string): {
  validate: ValidateFunction;
  schema: JsonSchema;
} {
  schemas ??= validatedSchemas();
  const validate = (VALIDATORS as Record<string, unknown>)[name];
  const schema = schemas[name];
  if (typeof validate !== 'function' || !schema) {
    throw new Error(
      `no config validator "${name}": run npm run gen:validators`
    );
  }
  return {validate: validate as ValidateFunction, schema};
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
 * Checks `value` against the schema `name` of {@link validatedSchemas};
 * throws one ConfigError naming every property that is wrong, what the spec
 * expects, and (unless it is a secret) the value given. `prefix` names where
 * `value` sits ("credentials").
 */
export function validateAgainst(
  value: Record<string, unknown>,
  name: string,
  prefix = ''
): void {
  const {validate, schema} = validatorFor(name);
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

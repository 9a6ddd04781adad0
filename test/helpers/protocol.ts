import Ajv, {ValidateFunction} from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'fs';
import yaml from 'js-yaml';
import path from 'path';

import {ROOT} from './cli';
import {streamStatusProblems} from './stream-status';

/** The official protocol schema, beside the repo in CI and on developer machines. */
export const PROTOCOL_YAML = path.join(
  ROOT,
  '..',
  'shared',
  'airbyte',
  'airbyte_protocol.yaml'
);

let validator: ValidateFunction | undefined;

/**
 * Validates one stdout message: against the official AirbyteMessage schema when
 * ../shared/airbyte/airbyte_protocol.yaml is present, else with minimal checks.
 * Returns the list of problems (empty when valid).
 */
export function protocolProblems(msg: any): string[] {
  if (fs.existsSync(PROTOCOL_YAML)) {
    if (!validator) {
      const doc = yaml.load(fs.readFileSync(PROTOCOL_YAML, 'utf8')) as any;
      const ajv = new Ajv({strict: false, allErrors: true});
      addFormats(ajv);
      ajv.addSchema({...doc, $id: 'airbyte_protocol'});
      validator = ajv.getSchema(
        'airbyte_protocol#/definitions/AirbyteMessage'
      ) as ValidateFunction;
    }
    return validator(msg)
      ? []
      : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
  return minimalProblems(msg);
}

function minimalProblems(msg: any): string[] {
  const payload: Record<string, string> = {
    RECORD: 'record',
    STATE: 'state',
    LOG: 'log',
    SPEC: 'spec',
    CONNECTION_STATUS: 'connectionStatus',
    CATALOG: 'catalog',
    TRACE: 'trace',
    CONTROL: 'control',
  };
  if (!msg || typeof msg !== 'object') return ['not an object'];
  const key = payload[msg.type];
  if (!key) return [`unknown type ${msg.type}`];
  if (!msg[key] || typeof msg[key] !== 'object') return [`missing ${key}`];
  if (
    msg.type === 'RECORD' &&
    (typeof msg.record.stream !== 'string' ||
      !Number.isInteger(msg.record.emitted_at))
  ) {
    return ['bad record'];
  }
  return [];
}

/** Asserts every stdout line of a run is JSON and every message valid. */
export function expectValidRun(res: {
  nonJson: string[];
  messages: any[];
}): void {
  expect(res.nonJson).toEqual([]);
  expectValidMessages(res.messages);
  expect(streamStatusProblems(res.messages)).toEqual([]);
}

/** Asserts every message is valid. */
export function expectValidMessages(messages: any[]): void {
  const bad = messages
    .map((m, i) => ({i, problems: protocolProblems(m), type: m?.type}))
    .filter((x) => x.problems.length);
  expect(bad).toEqual([]);
}

/** Draft-07 validator for record data, strict about integers and date/date-time, as CAT is. */
export function recordValidator(schema: object): ValidateFunction {
  const ajv = new Ajv({strict: false, allErrors: true});
  addFormats(ajv, ['date', 'date-time']);
  return ajv.compile(schema);
}

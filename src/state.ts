import {Data} from './cdk';
import {ConfigError} from './errors';

/**
 * State, as a user reads it in the connection's state view: per stream, per
 * definition, the stop time of the last fully emitted job and the ids of the
 * jobs emitted at exactly that time (so two jobs sharing a stop time on either
 * side of a sync are each emitted once).
 */
export interface DefinitionCursor {
  cursor: string;
  ids_at_cursor: string[];
}
export type StreamState = Record<string, DefinitionCursor>;
export type ConnectorState = Record<string, StreamState>;

/**
 * Accepts state as Airbyte passes it (an array of per-stream STATE messages,
 * possibly GLOBAL), a single per-stream message, and the legacy whole-connector
 * object (plain, or gzip-compressed the way the Faros CDK writes it).
 */
export function parseInputState(input: unknown): ConnectorState {
  if (input === undefined || input === null) return {};
  const out: ConnectorState = {};
  const messages = Array.isArray(input) ? input : [input];
  for (const raw of messages) {
    const msg = unwrap(raw);
    if (!msg || typeof msg !== 'object') continue;
    const m = msg as Record<string, any>;
    if (m.type === 'STREAM' || m.stream?.stream_descriptor) {
      const name = m.stream?.stream_descriptor?.name;
      if (typeof name !== 'string')
        throw new ConfigError('A STREAM state has no stream_descriptor.name.', {
          code: 'STATE_INVALID',
        });
      out[name] = asStreamState(Data.decompress(m.stream.stream_state), name);
    } else if (m.type === 'GLOBAL') {
      for (const s of m.global?.stream_states ?? []) {
        out[s.stream_descriptor.name] = asStreamState(
          Data.decompress(s.stream_state),
          s.stream_descriptor.name
        );
      }
    } else if (m.type === 'LEGACY' || m.type === undefined) {
      const payload =
        m.type === 'LEGACY' || ('data' in m && !('format' in m)) ? m.data : m;
      const legacy = Data.decompress(payload);
      for (const [name, s] of Object.entries(legacy ?? {})) {
        out[name] = asStreamState(s, name);
      }
    } else {
      throw new ConfigError(`Unknown state type "${String(m.type)}".`, {
        code: 'STATE_INVALID',
      });
    }
  }
  return out;
}

/** A full STATE message ({type:'STATE', state:{…}}) carries its payload in `state`. */
function unwrap(raw: unknown): unknown {
  const r = raw as Record<string, any> | null;
  if (r && r.type === 'STATE' && r.state) return r.state;
  return raw;
}

function asStreamState(value: unknown, stream: string): StreamState {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`The state of stream ${stream} is not an object.`, {
      code: 'STATE_INVALID',
    });
  }
  const out: StreamState = {};
  for (const [definition, c] of Object.entries(value as Record<string, any>)) {
    if (!c || typeof c.cursor !== 'string') continue; // not a definition cursor: ignore
    out[definition] = {
      cursor: normaliseCursor(c.cursor, stream, definition),
      ids_at_cursor: Array.isArray(c.ids_at_cursor)
        ? c.ids_at_cursor.map(String)
        : [],
    };
  }
  return out;
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A cursor is an ISO 8601 date-time. Zone-less values are UTC (like Concur's);
 * one with an offset is moved to UTC. Anything else would compare as text and
 * silently skip or repeat jobs, so it is refused.
 */
function normaliseCursor(
  cursor: string,
  stream: string,
  definition: string
): string {
  const m = ISO_DATE_TIME.exec(cursor);
  if (!m || Number.isNaN(Date.parse(m[2] ? cursor : `${cursor}Z`))) {
    throw new ConfigError(
      `The state of stream ${stream}, definition ${definition}, has cursor ${JSON.stringify(cursor)}, ` +
        'which is not an ISO 8601 date-time; fix or reset the stream state.',
      {code: 'STATE_INVALID'}
    );
  }
  if (!m[2] || m[2] === 'Z') return m[2] ? cursor : `${cursor}Z`;
  return new Date(cursor).toISOString();
}

/**
 * Safe XML reading for Concur answers: no DOCTYPE, no entity expansion
 * (only the five predefined entities and numeric references are decoded, once),
 * namespaces dropped, malformed or truncated documents refused.
 */
import {XMLParser, XMLValidator} from 'fast-xml-parser';

import {DataError} from '../errors';
import {redact} from '../redact';
import {MAX_QUOTED_ERROR_CHARS} from './limits';

/** A parsed element: text, a child object, or a list of repeated children. */
export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [name: string]: XmlNode;
}

/** Elements that repeat under their parent, always returned as arrays. */
const LIST_PATHS = new Set(['definitions.definition', 'jobs.job']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, jPath) => LIST_PATHS.has(String(jPath)),
});

const FORBIDDEN_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

/**
 * Parses an XML document. `where` names the call (e.g. "GET /api/…/job") for
 * the error message; it must not contain secrets.
 */
export function parseXml(body: string, where: string): XmlObject {
  const text = body.replace(/^\uFEFF/, '');
  if (FORBIDDEN_DECLARATION.test(text)) {
    throw new DataError(
      `${where} answered XML with a DOCTYPE or ENTITY declaration, which is refused (never expanded).`,
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const {msg, line} = verdict.err;
    throw new DataError(
      `${where} answered malformed or truncated XML (line ${line}: ${msg}).`,
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  try {
    return parser.parse(text) as XmlObject;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError(`${where} answered unreadable XML (${reason}).`, {
      code: 'CONCUR_ANSWER_INVALID',
    });
  }
}

const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Decodes the predefined entities and character references, in one pass (no recursion). */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g,
    (whole, ref: string) => {
      if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
      const code =
        ref[1] === 'x'
          ? parseInt(ref.slice(2), 16)
          : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
  );
}

/** The decoded text of a child element; undefined when absent, '' when empty. */
export function childText(
  node: XmlNode | undefined,
  name: string
): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node))
    return undefined;
  const child = node[name];
  if (child === undefined) return undefined;
  if (typeof child === 'string') return decodeEntities(child);
  if (Array.isArray(child)) return childText({[name]: child[0]}, name);
  // An element holding only attributes or comments, e.g. <stop-time i:nil="true"/>.
  const text = child['#text'];
  return typeof text === 'string' ? decodeEntities(text) : '';
}

/** The child objects called `name` (a missing or empty list is []). */
export function children(node: XmlNode | undefined, name: string): XmlObject[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const child = node[name];
  const list = Array.isArray(child)
    ? child
    : child === undefined
      ? []
      : [child];
  return list.filter(
    (c): c is XmlObject => typeof c === 'object' && !Array.isArray(c)
  );
}

/**
 * The `Message` of a Concur `<Error>` body (docs/concur-extract-api.md#errors-and-retries), shortened and redacted; undefined
 * when the body is not such a document. Never throws.
 */
export function errorMessageOf(body: string): string | undefined {
  if (!/<(\w+:)?Error[\s>]/.test(body)) return undefined;
  try {
    const doc = parseXml(body, 'error body');
    const message = childText(doc['Error'], 'Message');
    return message ? quote(message) : undefined;
  } catch {
    return undefined;
  }
}

/** Server text made fit for an error message: one line, short, no secrets. */
export function quote(text: string): string {
  const line = redact(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_QUOTED_ERROR_CHARS
    ? `${line.slice(0, MAX_QUOTED_ERROR_CHARS)}…`
    : line;
}

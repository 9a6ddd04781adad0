/** XML (and optional JSON) documents of the Extract API, written by string templates. */
import {hashSeed} from './rng';
import {Quirks} from './scenario';

export const NS = 'http://www.concursolutions.com/api/expense/extract/2010/02';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface DefinitionView {
  id: string;
  jobLink: string;
  name: string;
}

export interface JobView {
  id: string;
  statusLink: string;
  startTime: string;
  stopTime?: string;
  /** Display spelling (may be `Complete`). */
  status: string;
  /** Enum value for JSON: Queued 0, Running 1, Completed 2, Failed 3. */
  statusNumber: number;
  fileLink?: string;
}

export interface RenderOptions {
  whitespaceInLinks: boolean;
  xmlDeclaration: boolean;
}

export function renderOptions(q: Quirks): RenderOptions {
  return {
    whitespaceInLinks: !!q.whitespace_in_links,
    xmlDeclaration: !!q.xml_declaration,
  };
}

/**
 * Format a job time. Times given verbatim in the scenario are echoed unless a time quirk is on;
 * otherwise the quirks pick `Z` or not and the number of fraction digits (stable per `key`).
 */
export function formatTime(
  ms: number,
  raw: string | undefined,
  key: string,
  q: Quirks
): string {
  const quirky =
    q.time_without_z !== undefined || (q.fraction_digits?.length ?? 0) > 0;
  if (raw !== undefined && !quirky) return raw;
  const iso = new Date(ms).toISOString(); // 2024-01-13T18:30:02.123Z
  const h = hashSeed(key);
  const millis = iso.slice(20, 23);
  const digits = q.fraction_digits?.length
    ? q.fraction_digits[h % q.fraction_digits.length]
    : millis === '000'
      ? 0
      : 3;
  const frac =
    digits > 0
      ? '.' + millis.padEnd(Math.max(digits, 3), '0').slice(0, digits)
      : '';
  const noZ =
    q.time_without_z === true ||
    (q.time_without_z === 'mixed' && (h >>> 8) % 2 === 1);
  return `${iso.slice(0, 19)}${frac}${noZ ? '' : 'Z'}`;
}

function link(
  tag: string,
  url: string,
  indent: string,
  o: RenderOptions
): string {
  const value = escapeXml(url);
  if (!o.whitespaceInLinks) return `${indent}<${tag}>${value}</${tag}>`;
  return `${indent}<${tag}>\n${indent}  ${value}\n${indent}</${tag}>`;
}

function el(tag: string, value: string, indent: string): string {
  return `${indent}<${tag}>${escapeXml(value)}</${tag}>`;
}

function doc(body: string, o: RenderOptions): string {
  return (o.xmlDeclaration ? DECLARATION : '') + body + '\n';
}

function definitionInner(
  d: DefinitionView,
  indent: string,
  o: RenderOptions,
  single: boolean
) {
  // list example order: id, job-link, name; single-definition example: id, name, job-link
  const id = link('id', d.id, indent, o);
  const jobLink = link('job-link', d.jobLink, indent, o);
  const name = el('name', d.name, indent);
  return (single ? [id, name, jobLink] : [id, jobLink, name]).join('\n');
}

export function definitionsXml(
  defs: DefinitionView[],
  o: RenderOptions
): string {
  const items = defs.map(
    (d) =>
      `  <definition>\n${definitionInner(d, '    ', o, false)}\n  </definition>`
  );
  return doc(
    [`<definitions xmlns="${NS}">`, ...items, '</definitions>'].join('\n'),
    o
  );
}

export function definitionXml(d: DefinitionView, o: RenderOptions): string {
  return doc(
    `<definition xmlns="${NS}" xmlns:i="${XSI}">\n${definitionInner(d, '  ', o, true)}\n</definition>`,
    o
  );
}

function jobInner(j: JobView, indent: string, o: RenderOptions): string {
  const parts = [
    link('id', j.id, indent, o),
    link('status-link', j.statusLink, indent, o),
    el('start-time', j.startTime, indent),
  ];
  if (j.stopTime !== undefined) parts.push(el('stop-time', j.stopTime, indent));
  parts.push(el('status', j.status, indent));
  if (j.fileLink !== undefined)
    parts.push(link('file-link', j.fileLink, indent, o));
  return parts.join('\n');
}

export function jobsXml(jobs: JobView[], o: RenderOptions): string {
  const items = jobs.map((j) => `  <job>\n${jobInner(j, '    ', o)}\n  </job>`);
  return doc([`<jobs xmlns="${NS}">`, ...items, '</jobs>'].join('\n'), o);
}

export function jobXml(j: JobView, o: RenderOptions): string {
  return doc(
    `<job xmlns="${NS}" xmlns:i="${XSI}">\n${jobInner(j, '  ', o)}\n</job>`,
    o
  );
}

export interface ErrorView {
  message: string;
  serverTime: string;
  id: string;
}

export function errorXml(e: ErrorView, o: RenderOptions): string {
  return doc(
    [
      '<Error>',
      el('Message', e.message, '  '),
      el('Server-Time', e.serverTime, '  '),
      el('Id', e.id, '  '),
      '</Error>',
    ].join('\n'),
    o
  );
}

/** Server-Time is documented as the server's local time zone, without offset. */
export function serverTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` +
    `T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

// ---- JSON representation (undocumented; docs/concur-extract-api.md#json-representation): top-level arrays, hyphenated keys, numeric status

export function definitionJson(d: DefinitionView) {
  return {id: d.id, 'job-link': d.jobLink, name: d.name};
}

export function jobJson(j: JobView) {
  const out: Record<string, unknown> = {
    id: j.id,
    'status-link': j.statusLink,
    'start-time': j.startTime,
  };
  if (j.stopTime !== undefined) out['stop-time'] = j.stopTime;
  out.status = j.statusNumber;
  if (j.fileLink !== undefined) out['file-link'] = j.fileLink;
  return out;
}

export function errorJson(e: ErrorView) {
  return {Message: e.message, 'Server-Time': e.serverTime, Id: e.id};
}

// ---- fault helpers

/** Cut a document in the middle of an element (after the opening `<` of a tag past the middle). */
export function truncateMidElement(xml: string): string {
  const lt = xml.indexOf('<', Math.floor(xml.length / 2));
  const at = lt < 0 ? Math.floor(xml.length / 2) : lt + 3;
  return xml.slice(0, Math.min(at, xml.length - 1));
}

/**
 * Add an internal DTD with a (small, nested) entity and reference it from the first
 * `<name>` or `<status>` text: a safe client must not expand it.
 */
export function withEntity(xml: string): string {
  const dtd =
    '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY e "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n';
  let out = xml;
  const decl = out.startsWith('<?xml')
    ? out.slice(0, out.indexOf('?>') + 2) + '\n'
    : '';
  out = out.slice(decl.length);
  const m = /<(name|status)>/.exec(out);
  if (m) {
    const at = m.index + m[0].length;
    out = out.slice(0, at) + '&e;' + out.slice(at);
  }
  return decl + dtd + out;
}

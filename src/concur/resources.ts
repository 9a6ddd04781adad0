/**
 * Concur Extract XML documents → Definition and Job objects (docs/concur-extract-api.md#resources),
 * with the documented quirks: links with whitespace, a `job-link` without
 * `/job`, a `status-link` with a wrong path, `Complete`, zone-less times.
 */
import {DataError} from '../errors';
import {
  appendPath,
  cleanLink,
  jobIdOf,
  lastSegment,
  linkPath,
  pathEndsWith,
} from './links';
import {normaliseStatus, normaliseTime} from './normalise';
import {Definition, Job} from './types';
import {children, childText, parseXml, XmlObject} from './xml';

/** `<definitions>` (list definitions, docs/concur-extract-api.md#definitions). */
export function parseDefinitions(body: string, where: string): Definition[] {
  const root = rootElement(parseXml(body, where), 'definitions', where);
  return children(root, 'definition').map((d) => toDefinition(d, where));
}

/** `<definition>` (get one definition, docs/concur-extract-api.md#definitions). */
export function parseDefinition(body: string, where: string): Definition {
  return toDefinition(
    rootElement(parseXml(body, where), 'definition', where),
    where
  );
}

/** `<jobs>` (list jobs, docs/concur-extract-api.md#jobs) in Concur's order. */
export function parseJobs(
  body: string,
  where: string,
  definitionId: string
): Job[] {
  const root = rootElement(parseXml(body, where), 'jobs', where);
  return children(root, 'job').map((j) => toJob(j, definitionId, where));
}

/** `<job>` (job, status, or the answer to starting a job, docs/concur-extract-api.md#job-status, #starting-a-job). */
export function parseJob(
  body: string,
  where: string,
  definitionId: string
): Job {
  return toJob(
    rootElement(parseXml(body, where), 'job', where),
    definitionId,
    where
  );
}

function rootElement(doc: XmlObject, name: string, where: string): XmlObject {
  const root = doc[name];
  if (root === undefined) {
    const found = Object.keys(doc).join(', ') || 'nothing';
    throw new DataError(
      `${where} answered <${found}> where <${name}> was expected.`,
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  // An empty <jobs/> parses as ''.
  return typeof root === 'object' && !Array.isArray(root) ? root : {};
}

function toDefinition(node: XmlObject, where: string): Definition {
  const url = required(node, 'id', 'definition', where);
  const given = cleanLink(childText(node, 'job-link'));
  return {
    id: lastSegment(url),
    name: (childText(node, 'name') ?? '').trim(),
    url,
    // Doc quirk (docs/concur-extract-api.md#doc-quirks): some examples give the definition URL as job-link.
    jobLink:
      given && pathEndsWith(given, '/job')
        ? given
        : appendPath(given ?? url, '/job'),
  };
}

function toJob(node: XmlObject, definitionId: string, where: string): Job {
  const url = required(node, 'id', 'job', where);
  const id = jobIdOf(url);
  const given = cleanLink(childText(node, 'status-link'));
  try {
    return {
      id,
      definitionId,
      status: normaliseStatus(childText(node, 'status')),
      startTime: normaliseTime(childText(node, 'start-time')),
      stopTime: normaliseTime(childText(node, 'stop-time')),
      fileLink: cleanLink(childText(node, 'file-link')) ?? null,
      url,
      // Doc quirk (docs/concur-extract-api.md#doc-quirks): a status-link missing `/expense`; the status is always <job url>/status.
      statusLink:
        given && isStatusOf(given, url) ? given : appendPath(url, '/status'),
    };
  } catch (err) {
    if (err instanceof DataError)
      err.message = `${where}: job ${id}: ${err.message}`;
    throw err;
  }
}

/** A status link's path is the job's path + `/status` (whatever host either names). */
function isStatusOf(statusLink: string, jobUrl: string): boolean {
  const trim = (p: string): string => p.replace(/\/+$/, '');
  return trim(linkPath(statusLink)) === `${trim(linkPath(jobUrl))}/status`;
}

function required(
  node: XmlObject,
  name: string,
  element: string,
  where: string
): string {
  const link = cleanLink(childText(node, name));
  if (!link)
    throw new DataError(`${where} answered a <${element}> without <${name}>.`, {
      code: 'CONCUR_ANSWER_INVALID',
    });
  return link;
}

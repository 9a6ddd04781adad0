/**
 * Links and ids in Concur documents (docs/concur-extract-api.md#links-and-ids): every resource carries absolute
 * links; ids are their opaque path segments (letters, digits, `$`).
 *
 * Host rule: a link is followed by its path (and query) on the API base we
 * authenticated against, whatever host the link names. The token belongs to
 * that host (the configured api_base_url or the token's geolocation); sending it
 * to a host taken from a response body could leak it, and the docs never say
 * which host the links name when a geolocation host is called (docs/concur-extract-api.md#hosts-and-paths).
 */
import {DataError} from '../errors';

/** Link text with the whitespace and line breaks Concur may put inside it removed. */
export function cleanLink(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const link = raw.replace(/\s+/g, '');
  return link.length > 0 ? link : undefined;
}

/** The path segments of a link (absolute or relative), `$` kept literally. */
function segments(link: string): string[] {
  return linkPath(link)
    .split('/')
    .filter((s) => s.length > 0);
}

/** The path (no query, no host) of a link; `$` stays literal. */
export function linkPath(link: string): string {
  return parseLink(link).pathname;
}

function parseLink(link: string): URL {
  try {
    return new URL(link, 'http://relative.invalid');
  } catch {
    throw new DataError(`Concur sent a link that is not a URL: "${link}".`, {
      code: 'CONCUR_ANSWER_INVALID',
    });
  }
}

/** The opaque last path segment of a link (a definition id). */
export function lastSegment(link: string): string {
  const parts = segments(link);
  const last = parts[parts.length - 1];
  if (!last)
    throw new DataError(`Concur sent a link without an id: "${link}".`, {
      code: 'CONCUR_ANSWER_INVALID',
    });
  return decodePathSegment(last);
}

/** The job id: the segment after the last `/job/` of a job link (else its last segment). */
export function jobIdOf(link: string): string {
  const parts = segments(link);
  const at = parts.lastIndexOf('job');
  if (at >= 0 && at + 1 < parts.length) return decodePathSegment(parts[at + 1]);
  return lastSegment(link);
}

/** Ids never contain `%`; should Concur encode a `$` as %24 anyway, the id is the same. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The link with its path extended by `suffix` (e.g. "/job"), trailing slashes dropped first. */
export function appendPath(link: string, suffix: string): string {
  const url = parseLink(link);
  const path = url.pathname.replace(/\/+$/, '') + suffix;
  const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(link);
  return isAbsolute
    ? `${url.origin}${path}${url.search}`
    : `${path}${url.search}`;
}

/** True when the link's path ends with `suffix` (trailing slashes ignored). */
export function pathEndsWith(link: string, suffix: string): boolean {
  return linkPath(link).replace(/\/+$/, '').endsWith(suffix);
}

/**
 * The URL to call for a link: its path and query on `apiBase` (see the host rule
 * above). When the API base has a path prefix (a proxy), it is prepended unless
 * the link's path already starts with it.
 */
export function resolveOnBase(apiBase: string, link: string): string {
  const base = new URL(apiBase);
  const target = parseLink(link);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path =
    prefix && !target.pathname.startsWith(`${prefix}/`)
      ? prefix + target.pathname
      : target.pathname;
  return `${base.origin}${path}${target.search}`;
}

/** A URL made safe for logs and error messages: its path only (no host, no query). */
export function pathForLog(url: string): string {
  return linkPath(url);
}

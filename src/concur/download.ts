/**
 * One attempt at streaming a file body to disk (docs/concur-extract-api.md#file). The body never sits
 * whole in memory; a body shorter than its Content-Length, or cut by the
 * network, is a retriable failure, never a complete file.
 */
import {AxiosInstance} from 'axios';
import {createWriteStream} from 'fs';
import {Readable, Transform} from 'stream';
import {pipeline} from 'stream/promises';
import * as zlib from 'zlib';

import {ConnectorError, DataError} from '../errors';
import {NetworkError, statusError, toConnectorError} from './http-errors';
import {MAX_DOWNLOAD_REDIRECTS, MAX_ERROR_BODY_BYTES} from './limits';
import {describeRequest, flatHeaders, HttpRequest} from './request';
import {Logger} from './types';

export interface DownloadResult {
  /** Bytes written to the destination file. */
  bytes: number;
  contentType: string | undefined;
}

/**
 * Sees a body's bytes as they are written to disk, e.g. to check a file
 * while it downloads. A new observer per attempt (a retry starts over).
 */
export interface BodyObserver {
  /** A chunk, as written (decoded); a returned promise holds the download back until it settles. */
  write(chunk: Buffer): void | Promise<void>;
  /** The whole body is on disk. */
  end(): void;
  /** The attempt failed; nothing more comes. */
  abort(err: unknown): void;
}

/**
 * Bytes of the body written so far, and the body's size when it is known
 * before its end (a Content-Length without a content encoding).
 */
export type DownloadProgress = (
  bytesSoFar: number,
  expectedBytes: number | undefined
) => void;

interface DownloadOptions {
  timeoutMs: number;
  logger: Logger;
  onProgress?: DownloadProgress;
  observe?: () => BodyObserver;
}

export async function downloadOnce(
  ax: AxiosInstance,
  req: HttpRequest,
  dest: string,
  opts: DownloadOptions
): Promise<DownloadResult> {
  const what = describeRequest(req);
  const origin = new URL(req.url).host;
  let res;
  try {
    res = await ax.request<Readable>({
      method: 'GET',
      url: req.url,
      headers: {...req.headers, 'Accept-Encoding': 'identity'},
      responseType: 'stream',
      decompress: false,
      maxRedirects: MAX_DOWNLOAD_REDIRECTS,
      beforeRedirect: (options: Record<string, any>) => {
        // axios strips it too on a cross-origin redirect; the token never leaves its host.
        if (options.host !== origin) dropAuthorization(options.headers);
        opts.logger.debug(
          `${what} redirected to host ${String(options.hostname)}`
        );
      },
      // The socket idle timeout also covers the body: a stalled body is aborted.
      timeout: opts.timeoutMs,
    });
  } catch (err) {
    throw toConnectorError(what, err);
  }
  const headers = flatHeaders(res.headers as Record<string, unknown>);
  if (res.status < 200 || res.status >= 300) {
    const body = await readSome(res.data, MAX_ERROR_BODY_BYTES);
    throw statusError(what, res.status, headers, body);
  }
  const expected = contentLength(headers['content-length']);
  const observer = opts.observe?.();
  let received;
  try {
    received = await writeBody(
      res.data,
      headers,
      expected,
      dest,
      what,
      opts.onProgress,
      observer
    );
  } catch (err) {
    observer?.abort(err);
    throw err;
  }
  if (expected !== undefined && received.raw !== expected) {
    const err = new NetworkError(
      `${what} failed: the body was cut short after ${received.raw} of ${expected} bytes`,
      'BODY_CUT_SHORT',
      true
    );
    observer?.abort(err);
    throw err;
  }
  observer?.end();
  return {bytes: received.written, contentType: headers['content-type']};
}

/** Pipes the body to `dest` (truncating it), counting raw and decoded bytes; `rawLength` is its Content-Length. */
async function writeBody(
  body: Readable,
  headers: Record<string, string | undefined>,
  rawLength: number | undefined,
  dest: string,
  what: string,
  onProgress?: DownloadProgress,
  observer?: BodyObserver
): Promise<{raw: number; written: number}> {
  let decode: Transform[];
  try {
    decode = decoder(headers['content-encoding'], what);
  } catch (err) {
    body.destroy();
    throw err;
  }
  const counts = {raw: 0, written: 0};
  // Decoded bytes have no size to expect; identity ones have the Content-Length.
  const expected = decode.length ? undefined : rawLength;
  const progress = (n: number): void => {
    counts.written += n;
    onProgress?.(counts.written, expected);
  };
  // Without a content encoding raw and written bytes are the same: one counter.
  const stages = decode.length
    ? [body, counter((n) => (counts.raw += n)), ...decode, counter(progress)]
    : [body, counter((n) => ((counts.raw += n), progress(n)))];
  if (observer) stages.push(observed(observer));
  const out = createWriteStream(dest, {
    flags: 'w',
    highWaterMark: FILE_WRITE_CHUNK_BYTES,
  });
  // Whichever stream fails first is the origin (pipeline then destroys the others with its error).
  let origin: 'body' | 'file' | undefined;
  for (const stage of stages) stage.once('error', () => (origin ??= 'body'));
  out.once('error', () => (origin ??= 'file'));
  try {
    await pipeline([...stages, out]);
  } catch (err) {
    if (origin === 'file') throw writeError(dest, err);
    throw toConnectorError(what, err);
  }
  return counts;
}

/** Large writes: a body may be hundreds of MB. */
const FILE_WRITE_CHUNK_BYTES = 1024 * 1024;

function dropAuthorization(headers: Record<string, unknown> | undefined): void {
  for (const name of Object.keys(headers ?? {})) {
    if (name.toLowerCase() === 'authorization') delete headers![name];
  }
}

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/** Hands each chunk to the observer on its way to disk, waiting while it asks to. */
function observed(observer: BodyObserver): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let wait;
      try {
        wait = observer.write(chunk);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (wait) wait.then(() => done(null, chunk), done);
      else done(null, chunk);
    },
  });
}

/** We ask for `identity`; should a server compress anyway, the file is still stored decoded. */
function decoder(encoding: string | undefined, what: string): Transform[] {
  const e = (encoding ?? 'identity').trim().toLowerCase();
  if (e === 'identity' || e === '') return [];
  if (e === 'gzip' || e === 'x-gzip') return [zlib.createGunzip()];
  if (e === 'deflate') return [zlib.createInflate()];
  if (e === 'br') return [zlib.createBrotliDecompress()];
  throw new DataError(
    `${what} answered with an unsupported Content-Encoding "${e}".`,
    {code: 'CONCUR_ANSWER_INVALID'}
  );
}

function writeError(dest: string, err: unknown): ConnectorError {
  const e = err as {code?: string; message?: string};
  const code = e.code ?? e.message ?? String(err);
  return new ConnectorError(
    `Cannot write the extract file to ${dest}: ${code}.`,
    {
      code: 'WORK_DIR_FAILED',
    }
  );
}

function contentLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim())
    ? Number(value)
    : undefined;
}

/** The first `limit` bytes of an error body, as text; the rest is discarded. */
async function readSome(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch {
    // A broken error body still leaves its status to report.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

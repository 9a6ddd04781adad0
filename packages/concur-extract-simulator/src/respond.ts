/** Writing responses: buffers and streams with Content-Length, and body faults (resets, XML). */
import {IncomingMessage, OutgoingHttpHeaders, ServerResponse} from 'http';
import {Readable} from 'stream';

import {FaultInjector, FaultName, FaultPlan} from './faults';
import {FileBody} from './files';
import {truncateMidElement, withEntity} from './xml';

export interface RecordedRequest {
  method: string;
  path: string;
  /** 0 while the answer is not yet written (or never was: client gone). */
  status: number;
  authorization?: string;
  /** Response body bytes actually written. */
  bodyBytes?: number;
  /** Request body bytes received. */
  requestBytes?: number;
  fault?: string;
  /** Arrival time (ms since epoch, wall clock). */
  at: number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  plan: FaultPlan;
  faults: FaultInjector;
}

export function noteFault(rec: RecordedRequest, name: FaultName): void {
  rec.fault = rec.fault ? `${rec.fault},${name}` : name;
}

function gone(res: ServerResponse): boolean {
  return (
    res.destroyed ||
    res.writableEnded ||
    res.socket === null ||
    res.socket.destroyed
  );
}

function cut(res: ServerResponse): void {
  setImmediate(() => res.socket?.destroy());
}

/**
 * Send a whole body. `xmlDocument` marks Extract XML documents (candidates for the
 * malformed_xml / xml_entity faults).
 */
export function send(
  x: Exchange,
  status: number,
  headers: OutgoingHttpHeaders,
  body: Buffer | string,
  xmlDocument = false
): void {
  const {res, rec} = x;
  if (gone(res)) return;
  let data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const fault =
    status < 300 ? x.faults.bodyFault(x.plan, xmlDocument) : undefined;
  if (fault === 'malformed_xml')
    data = Buffer.from(truncateMidElement(data.toString('utf8')));
  if (fault === 'xml_entity')
    data = Buffer.from(withEntity(data.toString('utf8')));
  if (fault) noteFault(rec, fault);
  rec.status = status;
  res.writeHead(status, {...headers, 'Content-Length': data.length});
  if (fault === 'reset_mid_body') {
    const n = x.faults.resetAfter(data.length);
    rec.bodyBytes = n;
    res.flushHeaders();
    if (n > 0) res.write(data.subarray(0, n), () => cut(res));
    else cut(res);
    return;
  }
  rec.bodyBytes = data.length;
  res.end(data);
}

/** Send a file body (buffer or stream) with its full Content-Length. */
export function sendFile(
  x: Exchange,
  headers: OutgoingHttpHeaders,
  body: FileBody
): void {
  if (body.buffer) {
    send(x, 200, {...headers, 'Content-Type': body.contentType}, body.buffer);
    return;
  }
  const {res, rec} = x;
  if (gone(res)) return;
  const fault = x.faults.bodyFault(x.plan, false);
  const limit =
    fault === 'reset_mid_body' ? x.faults.resetAfter(body.length) : Infinity;
  if (fault) noteFault(rec, fault);
  rec.status = 200;
  rec.bodyBytes = 0;
  res.writeHead(200, {
    ...headers,
    'Content-Type': body.contentType,
    'Content-Length': body.length,
  });
  res.flushHeaders();
  const stream: Readable = body.stream!();
  res.on('close', () => stream.destroy());
  stream.on('error', () => res.socket?.destroy());
  if (limit === Infinity) {
    stream.on('data', (c: Buffer) => (rec.bodyBytes! += c.length));
    stream.pipe(res);
    return;
  }
  if (limit === 0) {
    stream.destroy();
    cut(res);
    return;
  }
  stream.on('data', (chunk: Buffer) => {
    const room = limit - rec.bodyBytes!;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    rec.bodyBytes! += part.length;
    if (rec.bodyBytes! >= limit) {
      stream.destroy();
      res.write(part, () => cut(res));
      return;
    }
    if (!res.write(part)) {
      stream.pause();
      res.once('drain', () => stream.resume());
    }
  });
}

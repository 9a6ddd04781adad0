/**
 * A throttled link for the benchmark: a TCP proxy in front of the simulator
 * that delivers the server's bytes at `bytesPerSecond` — one budget shared by
 * every connection, as one network link would — each chunk arriving
 * `latencyMs` after it was due. Requests (client → server) pass unthrottled.
 * The simulator stays as it is; the connector is pointed at the proxy.
 */
import net from 'net';

export interface Throttle {
  url: string;
  /** Bytes delivered to clients so far. */
  delivered(): number;
  close(): Promise<void>;
}

export async function startThrottle(opts: {
  targetPort: number;
  bytesPerSecond: number;
  latencyMs: number;
}): Promise<Throttle> {
  let linkFreeAt = 0; // ms (performance.now) at which the link has sent everything queued
  let delivered = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(opts.targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream);
    // Each chunk is delivered, in order, when the link has sent it plus the
    // latency. The server is paused while more than a bandwidth-delay product
    // (and a chunk) is in flight.
    const window = (opts.bytesPerSecond * opts.latencyMs) / 1000 + 256 * 1024;
    const queue: {chunk: Buffer; due: number}[] = [];
    let inFlight = 0;
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const deliver = (): void => {
      timer = undefined;
      while (queue.length && queue[0].due <= performance.now()) {
        const {chunk} = queue.shift()!;
        if (!client.destroyed) client.write(chunk);
        delivered += chunk.length;
        inFlight -= chunk.length;
      }
      if (inFlight <= window) upstream.resume();
      if (queue.length) {
        timer = setTimeout(deliver, queue[0].due - performance.now());
      } else if (ended) {
        client.end();
      }
    };
    upstream.on('data', (chunk: Buffer) => {
      const now = performance.now();
      linkFreeAt =
        Math.max(now, linkFreeAt) + (chunk.length * 1000) / opts.bytesPerSecond;
      queue.push({chunk, due: linkFreeAt + opts.latencyMs});
      inFlight += chunk.length;
      if (inFlight > window) upstream.pause();
      timer ??= setTimeout(deliver, queue[0].due - now);
    });
    upstream.on('end', () => {
      ended = true;
      if (!queue.length && !timer) client.end();
    });
    const fail = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail);
    upstream.on('error', fail);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    delivered: () => delivered,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

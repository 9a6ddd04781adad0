/**
 * Buffers kept for reuse: a fresh multi-megabyte buffer per batch or region
 * means fresh pages for the kernel to fault in and zero, and garbage that
 * only a major GC frees (json-bytes.ts, emit-pool.ts measure what it cost).
 */
export class Spares<T extends {readonly byteLength: number}> {
  private readonly kept: T[] = [];

  /** `max`: the most kept; past it the oldest is dropped (left to the GC). */
  constructor(private readonly max: number) {}

  /** The smallest kept buffer of at least `bytes`, no longer kept; undefined when none fits. */
  take(bytes: number): T | undefined {
    let best = -1;
    for (let i = 0; i < this.kept.length; i++) {
      const n = this.kept[i].byteLength;
      if (n >= bytes && (best < 0 || n < this.kept[best].byteLength)) best = i;
    }
    return best < 0 ? undefined : this.kept.splice(best, 1)[0];
  }

  keep(buf: T): void {
    this.kept.push(buf);
    if (this.kept.length > this.max) this.kept.shift();
  }

  /** One kept buffer, any size (undefined: none). */
  any(): T | undefined {
    return this.kept.pop();
  }
}

/** A size for a new buffer meant to be reused: `bytes` and 1/8 more, in 64 KB steps, so similar batches fit. */
function roomFor(bytes: number): number {
  const step = 64 * 1024;
  return Math.ceil((bytes + (bytes >> 3)) / step) * step;
}

/**
 * `parts` copied one after the other into a buffer from `spares` (the
 * smallest that fits) or a new one ({@link roomFor}): a view of exactly
 * their bytes.
 */
export function joinInto(
  parts: readonly Uint8Array[],
  spares: Spares<ArrayBuffer>
): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(
    spares.take(n) ?? new ArrayBuffer(roomFor(n)),
    0,
    n
  );
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

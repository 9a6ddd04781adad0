/** Small deterministic PRNG helpers (mulberry32). Nothing here is cryptographic. */

export type Rng = () => number;

/** Hash any seed (number or string) to a 32-bit integer. */
export function hashSeed(seed: number | string): number {
  const s = String(seed);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  // murmur3 finalizer: spreads FNV's weak low bits
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A PRNG returning floats in [0, 1), fully determined by the seed. */
export function makeRng(seed: number | string): Rng {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] inclusive. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789ABCDEF';

export function randString(rng: Rng, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++)
    out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

export function randHex(rng: Rng, length: number): string {
  return randString(rng, length, HEX);
}

/**
 * An opaque Concur-looking id: 34 characters of letters/digits with a few `$p`/`$s`/`$x`
 * escape pairs, like `nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd`.
 */
export function concurId(rng: Rng): string {
  const chars = randString(rng, 34).split('');
  const escapes = randInt(rng, 1, 3);
  for (let i = 0; i < escapes; i++) {
    const at = randInt(rng, 1, 31);
    chars[at] = '$';
    chars[at + 1] = pick(rng, ['p', 's', 'x']);
  }
  return chars.join('');
}

/** A GUID in upper case, as Concur prints error ids. */
export function guid(rng: Rng): string {
  const h = randHex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

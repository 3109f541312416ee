/**
 * Deterministic randomness for the sandbox. Every seeded fact (which quotas are raised, how a
 * usage series wiggles, which request is denied) is a pure function of the seed and a key, so a
 * value can be recomputed on demand instead of stored, and two runs with one seed agree.
 */

/** FNV-1a over the parts, finished with the murmur3 avalanche: a well-mixed 32-bit hash. */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? String(part) : part;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by the parts. */
export function unit(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 4294967296;
}

/** A uniform number in [low, high) fixed by the parts. */
export function between(low: number, high: number, ...parts: readonly (string | number)[]): number {
  return low + (high - low) * unit(...parts);
}

/** mulberry32: a small, fast PRNG stream for sequences (fault injection, jitter). */
export function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABETS = {
  upper: ALPHANUMERIC,
  lower: LOWER_ALPHANUMERIC,
  mixed: MIXED,
  hex: '0123456789abcdef',
  digits: '0123456789',
} as const;

/** A fixed-length identifier drawn from an alphabet, fixed by the parts. */
export function identifier(
  length: number,
  alphabet: keyof typeof ALPHABETS,
  ...parts: readonly (string | number)[]
): string {
  const chars = ALPHABETS[alphabet];
  let out = '';
  for (let i = 0; out.length < length; i++) {
    let h = hash32(...parts, i);
    for (let k = 0; k < 4 && out.length < length; k++) {
      out += chars.charAt(h % chars.length);
      h = Math.floor(h / chars.length);
    }
  }
  return out;
}

/**
 * mulberry32, a small deterministic 32-bit generator of uniform numbers in [0, 1): the same seed gives the same
 * sequence on every machine, for whatever must repeat run after run (the decomposition's local search, the
 * benchmark networks, the load test's mix of requests). Not for anything that must be unpredictable.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

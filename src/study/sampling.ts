import type { Distribution, StudySpec } from "../domain/study-spec.js";

/**
 * Draws for an uncertainty study. Every uniform number is a pure function of (seed, the dimension's id, the
 * sample index), so a sample's draw never depends on which worker computes it, in what order, or on how many
 * other parameters the spec lists. Latin hypercube: per dimension, a permutation of the N strata derived from
 * (seed, id) alone. Shared factors correlate parameters through a Gaussian copula:
 * z = w·z_factor + √(1−w²)·z_own, and the parameter's value is its distribution's quantile at Φ(z).
 */

// ---- deterministic uniforms ----

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(text: string, seed: number): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  for (let i = 0; i < text.length; i++) h = fmix32(h ^ Math.imul(text.charCodeAt(i), 0x01000193));
  return h;
}

/** A uniform in (0, 1) from a 32-bit stream key and an index (53 random bits, never exactly 0 or 1). */
function uniformAt(stream: number, index: number): number {
  const a = fmix32(stream ^ fmix32(index + 0x632be5ab));
  const b = fmix32(a ^ 0x5bd1e995 ^ fmix32(index ^ 0x27d4eb2f));
  const bits = (a >>> 5) * 67108864 + (b >>> 6); // 27 + 26 bits
  return (bits + 0.5) / 9007199254740992;
}

/** A seeded permutation of 0..n−1 (Fisher–Yates on uniformAt), the same for the same (stream, n). */
function permutation(stream: number, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(stream ^ 0x7f4a7c15, i) * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Uniforms for one dimension (a factor or a parameter's own variation) of a Monte Carlo study. */
export class UniformStream {
  private readonly stream: number;
  private strata?: Int32Array;

  constructor(
    seed: number,
    id: string,
    private readonly latinHypercube?: { samples: number },
  ) {
    this.stream = hashString(id, seed);
  }

  at(sample: number): number {
    const jitter = uniformAt(this.stream, sample);
    if (!this.latinHypercube) return jitter;
    const n = this.latinHypercube.samples;
    this.strata ??= permutation(this.stream, n);
    return (this.strata[sample % n]! + jitter) / n;
  }
}

// ---- the normal distribution ----

/** Φ(x), from erfc (W. J. Cody's rational approximations via a Chebyshev fit: |error| < 1.2e-7 relative). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Φ⁻¹(p) by Acklam's rational approximation and one Halley step (|error| ~1e-9 over (0,1)). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

// ---- distributions ----

/** The distribution's value at cumulative probability u in (0, 1): the inverse CDF, truncation included. */
export function quantile(distribution: Distribution, u: number): number {
  switch (distribution.kind) {
    case "fixed":
      return distribution.value;
    case "uniform":
      return distribution.min + u * (distribution.max - distribution.min);
    case "triangular": {
      const { min: a, mode: c, max: b } = distribution;
      if (b === a) return a;
      const split = (c - a) / (b - a);
      return u < split ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
    }
    case "normal": {
      const { mean, sd } = distribution;
      const lo = distribution.min === undefined ? 0 : normalCdf((distribution.min - mean) / sd);
      const hi = distribution.max === undefined ? 1 : normalCdf((distribution.max - mean) / sd);
      return clamp(mean + sd * normalQuantile(lo + u * (hi - lo)), distribution.min, distribution.max);
    }
    case "lognormal": {
      const mu = Math.log(distribution.median);
      const { sigma } = distribution;
      const lo = distribution.min === undefined ? 0 : normalCdf((Math.log(distribution.min) - mu) / sigma);
      const hi = distribution.max === undefined ? 1 : normalCdf((Math.log(distribution.max) - mu) / sigma);
      return clamp(
        Math.exp(mu + sigma * normalQuantile(lo + u * (hi - lo))),
        distribution.min,
        distribution.max,
      );
    }
    case "discrete": {
      // the inverse CDF runs over the values in ascending order, so that quantiles (and correlation) are monotone
      const weights = distribution.weights ?? distribution.values.map(() => 1);
      const ranked = distribution.values.map((value, i) => ({ value, weight: weights[i]! }));
      ranked.sort((a, b) => a.value - b.value);
      const total = weights.reduce((s, w) => s + w, 0);
      let cumulative = 0;
      for (const { value, weight } of ranked) {
        cumulative += weight / total;
        if (u < cumulative) return value;
      }
      return ranked.at(-1)!.value;
    }
  }
}

function clamp(x: number, min?: number, max?: number): number {
  return Math.min(max ?? Number.POSITIVE_INFINITY, Math.max(min ?? Number.NEGATIVE_INFINITY, x));
}

/** Every parameter's value in one Monte Carlo sample, by parameter id. */
export type Draw = Record<string, number>;

/** The Monte Carlo draws of a spec: `draw(i)` is a pure function of the spec and i. */
export function monteCarloSampler(
  spec: StudySpec,
  samples: number,
  latinHypercube: boolean,
): (sample: number) => Draw {
  const lhs = latinHypercube ? { samples } : undefined;
  const factors = new Map(
    spec.factors.map((f) => [f.id, new UniformStream(spec.seed, `factor:${f.id}`, lhs)]),
  );
  const own = new Map(
    spec.parameters.map((p) => [p.id, new UniformStream(spec.seed, `parameter:${p.id}`, lhs)]),
  );
  return (sample) => {
    const z = new Map([...factors].map(([id, stream]) => [id, normalQuantile(stream.at(sample))]));
    const draw: Draw = {};
    for (const p of spec.parameters) {
      let u = own.get(p.id)!.at(sample);
      if (p.factor) {
        const w = p.factor.weight;
        u = normalCdf(w * z.get(p.factor.id)! + Math.sqrt(1 - w * w) * normalQuantile(u));
      }
      draw[p.id] = quantile(p.distribution, u);
    }
    return draw;
  };
}

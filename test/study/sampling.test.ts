import { describe, expect, it } from "vitest";
import type { Distribution, StudySpec } from "../../src/domain/study-spec.js";
import {
  monteCarloSampler,
  normalCdf,
  normalQuantile,
  quantile,
  UniformStream,
} from "../../src/study/sampling.js";

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const corr = (xs: number[], ys: number[]) => {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) sxy += (xs[i]! - mx) * (ys[i]! - my);
  return sxy / (xs.length - 1) / (sd(xs) * sd(ys));
};

function specWith(
  parameters: { id: string; distribution: Distribution; factor?: { id: string; weight: number } }[],
) {
  return {
    seed: 42,
    factors: [{ id: "f", label: "f", why: "shared" }],
    parameters: parameters.map((p) => ({
      ...p,
      label: p.id,
      path: "discountRate",
      mode: "set",
      unit: "number",
    })),
  } as unknown as StudySpec;
}

/** N draws of one distribution by plain Monte Carlo. */
function draws(distribution: Distribution, n = 40_000): number[] {
  const draw = monteCarloSampler(specWith([{ id: "x", distribution }]), n, false);
  return Array.from({ length: n }, (_, i) => draw(i).x!);
}

describe("distributions", () => {
  it("have the moments their parameters give", () => {
    const u = draws({ kind: "uniform", min: 2, max: 6 });
    expect(mean(u)).toBeCloseTo(4, 1);
    expect(sd(u)).toBeCloseTo(4 / Math.sqrt(12), 1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    const t = draws({ kind: "triangular", min: 0, mode: 3, max: 6 });
    expect(mean(t)).toBeCloseTo(3, 1);
    expect(sd(t)).toBeCloseTo(Math.sqrt((0 + 9 + 36 - 0 - 0 - 18) / 18), 1);
    const n = draws({ kind: "normal", mean: 10, sd: 2 });
    expect(mean(n)).toBeCloseTo(10, 1);
    expect(sd(n)).toBeCloseTo(2, 1);
    // truncated at the mean: the half-normal's mean is σ√(2/π) above it
    const half = draws({ kind: "normal", mean: 10, sd: 2, min: 10 });
    expect(Math.min(...half)).toBeGreaterThanOrEqual(10);
    expect(mean(half)).toBeCloseTo(10 + 2 * Math.sqrt(2 / Math.PI), 1);
    const ln = draws({ kind: "lognormal", median: 1, sigma: 0.3 });
    expect(mean(ln)).toBeCloseTo(Math.exp(0.045), 2);
    expect([...ln].sort((a, b) => a - b)[ln.length / 2]).toBeCloseTo(1, 1);
    const d = draws({ kind: "discrete", values: [3, 1, 2], weights: [0.5, 0.2, 0.3] });
    expect(d.filter((x) => x === 3).length / d.length).toBeCloseTo(0.5, 1);
    expect(d.filter((x) => x === 1).length / d.length).toBeCloseTo(0.2, 1);
    expect(draws({ kind: "fixed", value: 7 }, 10)).toEqual(new Array(10).fill(7));
  });

  it("invert their CDF monotonically (discrete values in ascending order)", () => {
    const d: Distribution = { kind: "discrete", values: [0.275, 0.15, 0.025], weights: [0.3, 0.6, 0.1] };
    expect([0.05, 0.5, 0.95].map((u) => quantile(d, u))).toEqual([0.025, 0.15, 0.275]);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
  });
});

describe("draws", () => {
  it("depend on (seed, id, sample) only: not on order, nor on the other parameters", () => {
    const one = monteCarloSampler(
      specWith([{ id: "a", distribution: { kind: "uniform", min: 0, max: 1 } }]),
      100,
      false,
    );
    const two = monteCarloSampler(
      specWith([
        { id: "b", distribution: { kind: "normal", mean: 0, sd: 1 } },
        { id: "a", distribution: { kind: "uniform", min: 0, max: 1 } },
      ]),
      100,
      false,
    );
    const forward = Array.from({ length: 100 }, (_, i) => one(i).a);
    const backward = Array.from({ length: 100 }, (_, i) => two(99 - i).a).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward).size).toBe(100);
  });

  it("stratify each dimension in a Latin hypercube: one draw in each of the N strata", () => {
    const stream = new UniformStream(7, "x", { samples: 50 });
    const strata = Array.from({ length: 50 }, (_, i) => Math.floor(stream.at(i) * 50)).sort((a, b) => a - b);
    expect(strata).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("correlate parameters through a shared factor", () => {
    const n = 20_000;
    const draw = monteCarloSampler(
      specWith([
        { id: "a", distribution: { kind: "normal", mean: 0, sd: 1 }, factor: { id: "f", weight: 0.8 } },
        { id: "b", distribution: { kind: "normal", mean: 0, sd: 1 }, factor: { id: "f", weight: 0.8 } },
        { id: "c", distribution: { kind: "normal", mean: 0, sd: 1 } },
      ]),
      n,
      true,
    );
    const all = Array.from({ length: n }, (_, i) => draw(i));
    // both load 0.8 on the factor: their correlation is 0.8 × 0.8
    expect(
      corr(
        all.map((d) => d.a!),
        all.map((d) => d.b!),
      ),
    ).toBeCloseTo(0.64, 1);
    expect(
      Math.abs(
        corr(
          all.map((d) => d.a!),
          all.map((d) => d.c!),
        ),
      ),
    ).toBeLessThan(0.03);
    expect(sd(all.map((d) => d.a!))).toBeCloseTo(1, 1);
  });
});

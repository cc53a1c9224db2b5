import type { CflpInstance } from "../src/domain/formats/cflp.js";
import { rng } from "./generate.js";

/**
 * Random capacitated facility-location instances in OR-Library's `cap` format, by the recipe of Cornuéjols,
 * Sridharan and Thizy (1991, "A comparison of heuristics and relaxations for the capacitated plant location
 * problem", EJOR 50:280–297), as commonly implemented (e.g. Gasse et al. 2019's generator):
 *
 * - sites and customers uniform in the unit square;
 * - demand d_j uniform on the integers 5…35; capacity s_i uniform on 10…160, then scaled so that the total
 *   capacity is `ratio` times the total demand (rounded down);
 * - fixed cost f_i = U{100…110}·√s_i + U{0…90} on the capacity before scaling (rounded down);
 * - cost of serving all of customer j from site i: 10 × Euclidean distance × d_j.
 *
 * Seeded (mulberry32): the same options give the same file on every machine.
 */
export interface CflpOptions {
  sites: number;
  customers: number;
  /** total capacity ÷ total demand; CST used 3, 5, 10 (tighter is harder) */
  ratio: number;
  seed: number;
}

export function generateCflp(o: CflpOptions): CflpInstance {
  const r = rng(o.seed);
  const uniformInt = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const point = () => [r(), r()] as const;
  const customers = Array.from({ length: o.customers }, point);
  const sites = Array.from({ length: o.sites }, point);
  const demand = customers.map(() => uniformInt(5, 35));
  const drawn = sites.map(() => uniformInt(10, 160));
  const fixedCost = drawn.map((s) => Math.floor(uniformInt(100, 110) * Math.sqrt(s) + uniformInt(0, 90)));
  const scale = (o.ratio * demand.reduce((a, b) => a + b, 0)) / drawn.reduce((a, b) => a + b, 0);
  const capacity = drawn.map((s) => Math.floor(s * scale));
  const cost = customers.map(([cx, cy], j) =>
    sites.map(([sx, sy]) => 10 * Math.hypot(cx - sx, cy - sy) * demand[j]!),
  );
  return { capacity, fixedCost, demand, cost };
}

/** OR-Library `cap` text: "m n", m lines "capacity fixedCost", then per customer its demand and m costs. */
export function formatCflp(instance: CflpInstance): string {
  const lines = [`${instance.capacity.length} ${instance.demand.length}`];
  for (const [i, s] of instance.capacity.entries()) lines.push(`${s} ${instance.fixedCost[i]}`);
  for (const [j, d] of instance.demand.entries()) {
    lines.push(String(d));
    const row = instance.cost[j]!.map((c) => c.toFixed(4));
    // OR-Library wraps long cost rows; line breaks carry no meaning
    for (let k = 0; k < row.length; k += 10) lines.push(row.slice(k, k + 10).join(" "));
  }
  return `${lines.join("\n")}\n`;
}

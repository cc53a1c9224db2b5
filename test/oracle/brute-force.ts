import type { Scenario } from "../../src/domain/scenario.js";
import { type OracleData, readEconomics } from "./economics.js";
import { type PlantPattern, plantPatterns } from "./plant-patterns.js";
import { type YearNetwork, yearValue } from "./year-flows.js";

/**
 * The brute-force oracle: the optimum of a tiny scenario found by enumeration, independent of src/model.
 *
 * It enumerates every allocation set (each program on every admissible set of plants) and, for each, every
 * operating pattern of every plant over the horizon (the patterns plant dynamics and policies allow). Given the
 * plants open in a year, that year's shifts and flows are independent of the other years: the oracle tries every
 * shift count of every open plant and solves the flows as an exact min-cost flow (year-flows.ts), memoised per
 * (year, open plants, active allocations). NPV = sum of discounted year values - events - tooling - conversions.
 */

export interface OracleResult {
  feasible: boolean;
  /** best NPV (profit) or minus discounted cost (serve-all); NaN when infeasible */
  npv: number;
  /** the optimum's decisions, for failure messages */
  best?: { allocation: string[][]; operating: boolean[][] };
  /** how many (allocation, pattern) combinations were evaluated */
  combinations: number;
}

export function bruteForce(scenario: Scenario): OracleResult {
  const data = readEconomics(scenario);
  const { plants } = scenario;
  const budgets = new Budgets(scenario);
  const memo = new Map<string, number>();
  let combinations = 0;
  let best: OracleResult = { feasible: false, npv: Number.NaN, combinations };

  for (const allocation of allocationSets(scenario, data)) {
    const investments = allocationInvestments(scenario, data, allocation);
    const patterns = plants.map((_, s) => plantPatterns(scenario, data, s, mustOperate(data, allocation, s)));
    for (const combo of cartesian(patterns)) {
      combinations++;
      const openings = combo.flatMap((pattern) =>
        pattern.openings.map((cost, t) => ({ cost, t, salvage: 0 })),
      );
      if (!budgets.allow([...investments, ...openings])) continue;

      let npv = -combo.reduce((sum, pattern) => sum + pattern.eventCost, 0);
      for (const { cost, t, salvage } of investments) npv += -data.discount[t]! * cost + salvage;
      const T = data.years.length;
      for (let t = 0; t < T && Number.isFinite(npv); t++) {
        const value = data.discount[t]! * memoYearValue(memo, scenario, data, allocation, combo, t);
        npv += value;
        // perpetuity: the last year's operating value again every year after the horizon, growing at g
        if (t === T - 1) npv += value * data.perpetuityFactor;
      }
      if (Number.isFinite(npv) && (!best.feasible || npv > best.npv)) {
        const decisions = {
          allocation: allocation.map((sites) => sites.map((s) => plants[s]!.id)),
          operating: combo.map((pattern) => pattern.operating),
        };
        best = { feasible: true, npv, combinations, best: decisions };
      }
    }
  }
  return { ...best, combinations };
}

/** One payment of a one-off investment, undiscounted, the year (index) it is paid, and its discounted salvage. */
interface Investment {
  cost: number;
  t: number;
  salvage: number;
}

/**
 * The investments an allocation implies: tooling at each new plant in max(sop, start), and each platform a
 * plant must add (once per plant and platform, however many programs need it) at the start.
 */
function allocationInvestments(scenario: Scenario, data: OracleData, allocation: number[][]): Investment[] {
  const investments: Investment[] = [];
  const conversions = new Map<string, number>();
  allocation.forEach((sites, p) => {
    const program = scenario.programs[p]!;
    for (const s of sites) {
      for (const { t, share } of data.toolingPayments[p]!) {
        const cost = share * data.tooling[p]![s]! * data.plantFx[s]![t]!;
        investments.push({ cost, t, salvage: cost * data.toolingSalvage[p]! });
      }
      if (data.conversion[p]![s]! > 0)
        conversions.set(`${s}|${program.platform}`, data.conversion[p]![s]! * data.plantFx[s]![0]!);
    }
  });
  for (const cost of conversions.values())
    investments.push({ cost, t: 0, salvage: cost * data.conversionSalvage });
  return investments;
}

/** The scenario's budget caps: undiscounted one-off investment paid within each cap's years. */
class Budgets {
  private readonly caps: { max: number; from: number; to: number }[];

  constructor(scenario: Scenario) {
    const start = scenario.horizon.start;
    this.caps = scenario.policies.flatMap((policy) =>
      policy.kind === "budget-cap"
        ? [
            {
              max: policy.maxInvestment,
              from: (policy.from ?? Number.NEGATIVE_INFINITY) - start,
              to: (policy.to ?? Number.POSITIVE_INFINITY) - start,
            },
          ]
        : [],
    );
  }

  allow(investments: Investment[]): boolean {
    return this.caps.every((cap) => {
      const spent = investments.reduce(
        (sum, { cost, t }) => (t >= cap.from && t <= cap.to ? sum + cost : sum),
        0,
      );
      return spent <= cap.max * (1 + 1e-12);
    });
  }
}

/** Years (by index) in which plant s must operate because an allocated program is in its life there. */
function mustOperate(data: OracleData, allocation: number[][], s: number): boolean[] {
  return data.years.map(
    (_, t) =>
      data.operable[s]![t]! &&
      allocation.some((sites, p) => sites.includes(s) && t >= data.life[p]!.first && t <= data.life[p]!.last),
  );
}

function memoYearValue(
  memo: Map<string, number>,
  scenario: Scenario,
  data: OracleData,
  allocation: number[][],
  combo: PlantPattern[],
  t: number,
): number {
  const open = combo.map((pattern) => pattern.operating[t]!);
  const links: [number, number][] = [];
  allocation.forEach((sites, p) => {
    if (t < data.life[p]!.first || t > data.life[p]!.last) return;
    for (const s of sites) if (open[s]) links.push([p, s]);
  });
  const key = `${t}|${open.map(Number).join("")}|${links.join(";")}`;
  let value = memo.get(key);
  if (value === undefined) {
    const network: YearNetwork = { t, open, links };
    value = yearValue(scenario, data, network);
    memo.set(key, value);
  }
  return value;
}

/**
 * Every admissible allocation: per program, a set of plants of size <= maxPlants (>= 1 if it must be built),
 * containing its existing and fixed plants, on plants that can take its platform, are not forbidden, lie in its
 * allowed countries and can operate in at least one year of its life. A program whose life lies outside the
 * horizon plays no part: it is built nowhere (its builtAt is history), unless a policy fixes it somewhere,
 * which cannot be met.
 */
export function* allocationSets(scenario: Scenario, data: OracleData): Generator<number[][]> {
  const perProgram = scenario.programs.map((program, p) => {
    const inHorizon = data.life[p]!.first <= data.life[p]!.last;
    const forced = new Set<number>();
    const admissible: number[] = [];
    scenario.plants.forEach((plant, s) => {
      if (program.builtAt.includes(plant.id) && inHorizon) forced.add(s);
      let ok = !Number.isNaN(data.conversion[p]![s]!) && plant.status !== "closed";
      ok &&= data.years.some(
        (_, t) => data.operable[s]![t]! && t >= data.life[p]!.first && t <= data.life[p]!.last,
      );
      for (const policy of scenario.policies) {
        if (policy.kind === "fix-allocation" && policy.program === program.id && policy.plant === plant.id) {
          forced.add(s);
        }
        if (
          policy.kind === "forbid-allocation" &&
          policy.program === program.id &&
          policy.plant === plant.id
        ) {
          ok = false;
        }
        if (policy.kind === "restrict-to-countries" && policy.program === program.id) {
          ok &&= policy.countries.includes(plant.country);
        }
      }
      if (ok) admissible.push(s);
    });
    return subsets(admissible).filter(
      (set) =>
        set.length <= program.maxPlants &&
        (set.length >= 1 || !program.mustBuild || !inHorizon) &&
        [...forced].every((s) => set.includes(s)),
    );
  });
  yield* cartesian(perProgram);
}

function subsets(items: number[]): number[][] {
  return items.reduce<number[][]>((all, item) => all.concat(all.map((set) => [...set, item])), [[]]);
}

function* cartesian<T>(lists: T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [head, ...tail] = lists;
  for (const item of head!) for (const rest of cartesian(tail)) yield [item, ...rest];
}

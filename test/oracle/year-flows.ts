import type { Scenario } from "../../src/domain/scenario.js";
import type { OracleData } from "./economics.js";
import { type FlowArc, minCostFlow } from "./min-cost-flow.js";

/** One year of a candidate plan: which plants operate, and which (program, plant) allocations can produce. */
export interface YearNetwork {
  /** year index */
  t: number;
  /** operating, by plant */
  open: boolean[];
  /** [program, plant] pairs allocated, in the program's life, at an operating plant */
  links: [number, number][];
}

/**
 * The best undiscounted value of one year: flow margins minus fixed, shift and overtime costs of the operating
 * plants (minus unmet penalties in serve-all mode), over every shift count of every operating plant; each
 * shift may add overtime up to the plant's share of a shift's capacity, at its cost per vehicle. -Infinity when no
 * shift choice admits feasible flows (reserved volume beyond capacity, min-volume, serve-all without unmet).
 */
export function yearValue(scenario: Scenario, data: OracleData, network: YearNetwork): number {
  const { plants } = scenario;
  const open = plants.flatMap((_, s) => (network.open[s] ? [s] : []));
  const choices = open.map((s) => {
    const plant = plants[s]!;
    const perShift = plant.capacityPerShift * (1 + (plant.overtime?.maxShare ?? 0));
    const least = Math.ceil(data.reserved[s]![network.t]! / perShift - 1e-12);
    const counts: number[] = [];
    for (let n = Math.max(0, least); n <= plant.maxShifts; n++) counts.push(n);
    return counts;
  });
  let best = Number.NEGATIVE_INFINITY;
  forEachCombination(choices, (shifts) => {
    let value = 0;
    const free = new Map<number, { regular: number; overtime: number; overtimeCost: number }>();
    open.forEach((s, i) => {
      const plant = plants[s]!;
      const fx = data.plantFx[s]![network.t]!;
      value -= (plant.fixedCost + plant.shiftCost * shifts[i]!) * fx;
      // reserved volume takes the whole shifts first, then overtime (which costs per vehicle)
      const regular = plant.capacityPerShift * shifts[i]!;
      const overtime = (plant.overtime?.maxShare ?? 0) * regular;
      const overtimeCost = (plant.overtime?.costPerVehicle ?? 0) * fx;
      const reserved = data.reserved[s]![network.t]!;
      const reservedOnOvertime = Math.max(0, reserved - regular);
      value -= overtimeCost * reservedOnOvertime;
      free.set(s, {
        regular: Math.max(0, regular - reserved),
        overtime: overtime - reservedOnOvertime,
        overtimeCost,
      });
    });
    const flows = flowValue(scenario, data, network, (s) => free.get(s)!);
    best = Math.max(best, value + flows);
  });
  return best;
}

/** Calls `visit` with every combination picking one item of each list. */
function forEachCombination(lists: number[][], visit: (picked: number[]) => void): void {
  const picked: number[] = [];
  const recurse = (i: number) => {
    if (i === lists.length) {
      visit(picked);
      return;
    }
    for (const item of lists[i]!) {
      picked[i] = item;
      recurse(i + 1);
    }
  };
  recurse(0);
}

/**
 * The best flow value of the year given each operating plant's free capacity: a transportation problem
 * source → plant → (program, plant) → (program, market) → sink, solved exactly as a min-cost flow.
 */
function flowValue(
  scenario: Scenario,
  data: OracleData,
  network: YearNetwork,
  freeCapacity: (s: number) => { regular: number; overtime: number; overtimeCost: number },
): number {
  const { plants, programs, markets, objective } = scenario;
  const { t, links } = network;
  const S = plants.length;
  const M = markets.length;
  const penalty = objective.mode === "serve-all" ? objective.unmetPenalty : undefined;
  const unmetForbidden = objective.mode === "serve-all" && penalty === undefined;

  const SOURCE = 0;
  const SINK = 1;
  const plantNode = (s: number) => 2 + s;
  const linkNode = (k: number) => 2 + S + k;
  const demandNode = (p: number, m: number) => 2 + S + links.length + p * M + m;
  const nodeCount = 2 + S + links.length + programs.length * M;

  const arcs: FlowArc[] = [];
  let constant = 0;
  for (const s of new Set(links.map(([, s]) => s))) {
    const free = freeCapacity(s);
    arcs.push({ from: SOURCE, to: plantNode(s), capacity: Math.max(0, free.regular), cost: 0 });
    if (free.overtime > 0)
      arcs.push({ from: SOURCE, to: plantNode(s), capacity: free.overtime, cost: free.overtimeCost });
  }
  links.forEach(([p, s], k) => {
    const totalDemand = markets.reduce((sum, _, m) => sum + data.demand[p]![m]![t]!, 0);
    const least = minVolume(scenario, p, s);
    if (least > 0) arcs.push({ from: plantNode(s), to: linkNode(k), capacity: least, cost: 0, must: true });
    arcs.push({ from: plantNode(s), to: linkNode(k), capacity: totalDemand, cost: 0 });
    markets.forEach((_, m) => {
      const margin = data.margin[p]![s]![m]![t]!;
      const demand = data.demand[p]![m]![t]!;
      if (Number.isNaN(margin) || demand <= 0) return;
      arcs.push({
        from: linkNode(k),
        to: demandNode(p, m),
        capacity: demand,
        cost: -(margin + (penalty ?? 0)),
      });
    });
  });
  programs.forEach((_, p) => {
    markets.forEach((_, m) => {
      const demand = data.demand[p]![m]![t]!;
      if (demand <= 0) return;
      if (penalty !== undefined) constant -= penalty * demand;
      arcs.push({ from: demandNode(p, m), to: SINK, capacity: demand, cost: 0, must: unmetForbidden });
    });
  });
  const result = minCostFlow(nodeCount, SOURCE, SINK, arcs);
  return result.feasible ? constant - result.cost : Number.NEGATIVE_INFINITY;
}

/** The least yearly volume of program p at plant s required by min-volume policies (0 if none). */
function minVolume(scenario: Scenario, p: number, s: number): number {
  let least = 0;
  for (const policy of scenario.policies) {
    if (policy.kind !== "min-volume" || policy.plant !== scenario.plants[s]!.id) continue;
    if (policy.program !== undefined && policy.program !== scenario.programs[p]!.id) continue;
    least = Math.max(least, policy.volume);
  }
  return least;
}

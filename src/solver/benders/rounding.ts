import type { Block } from "../../model/blocks.js";

/** The current bounds of a column (program position): an explanation may hold some at zero. */
export interface Bounds {
  lowerOf(j: number): number;
  upperOf(j: number): number;
}

/** Allocation columns held at values for a heuristic master solve. */
export interface HeldAllocations {
  cols: number[];
  values: number[];
}

/**
 * The allocations of an LP point narrowed the way a planner would (the early-incumbent heuristic of the
 * decomposition, docs/model.md): each program may stay only at the one plant where the LP builds most of it;
 * every other allocation is held at its lower bound (so fixed allocations stay made). The master then decides
 * which of these allocations to make, and the plant states and shifts for them, in a small MILP.
 */
export function heaviestPlantOnly(a: Block, bounds: Bounds, point: Float64Array): HeldAllocations {
  const [P, S] = a.shape as [number, number];
  const held: HeldAllocations = { cols: [], values: [] };
  for (let p = 0; p < P; p++) {
    let best = -1;
    for (let s = 0; s < S; s++) {
      const j = a.labels[p * S + s]!;
      if (j >= 0 && point[j]! > 1e-6 && (best < 0 || point[j]! > point[best]!)) best = j;
    }
    for (let s = 0; s < S; s++) {
      const j = a.labels[p * S + s]!;
      if (j < 0 || j === best) continue;
      held.cols.push(j);
      held.values.push(bounds.lowerOf(j));
    }
  }
  return held;
}

/**
 * A looser rounding for when one plant per program leaves the master infeasible (e.g. a program that needs two
 * plants' capacity): only the allocations the LP does not use at all are held at their lower bound.
 */
export function unusedHeldAtLower(a: Block, bounds: Bounds, point: Float64Array): HeldAllocations {
  const held: HeldAllocations = { cols: [], values: [] };
  for (const j of a.labels) {
    if (j < 0 || point[j]! > 1e-6) continue;
    held.cols.push(j);
    held.values.push(bounds.lowerOf(j));
  }
  return held;
}

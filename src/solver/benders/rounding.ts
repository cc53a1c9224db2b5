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
 * The allocations of an LP point rounded the way a planner would (the early-incumbent heuristic of the
 * decomposition, docs/model.md): each program goes to the one plant where the LP builds most of it, if the LP
 * builds at least half of it somewhere; every other allocation is held at its lower bound (so fixed
 * allocations stay made). The master then chooses plant states and shifts for these allocations.
 */
export function singleSourced(a: Block, bounds: Bounds, point: Float64Array): HeldAllocations {
  const [P, S] = a.shape as [number, number];
  const held: HeldAllocations = { cols: [], values: [] };
  for (let p = 0; p < P; p++) {
    let total = 0;
    let best = -1;
    for (let s = 0; s < S; s++) {
      const j = a.labels[p * S + s]!;
      if (j < 0) continue;
      total += point[j]!;
      if (best < 0 || point[j]! > point[best]!) best = j;
    }
    for (let s = 0; s < S; s++) {
      const j = a.labels[p * S + s]!;
      if (j < 0) continue;
      const value = j === best && total >= 0.5 ? 1 : bounds.lowerOf(j);
      held.cols.push(j);
      held.values.push(Math.min(bounds.upperOf(j), value));
    }
  }
  return held;
}

/**
 * A looser rounding for when single sourcing leaves the master infeasible (e.g. a program that needs two
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

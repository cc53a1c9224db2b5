import { mulberry32 } from "../../domain/random.js";
import type { Block } from "../../model/blocks.js";
import type { Bounds } from "./rounding.js";

/**
 * What a local-search step may change: these allocation columns, and the states and shifts of these plants;
 * `whole` when that is every allocation a move can change and every plant: no neighbourhood frees more.
 */
export interface Neighbourhood {
  allocations: number[];
  plants: Set<number>;
  whole?: boolean;
}

/**
 * Neighbourhoods of a plan for the decomposition's local search (docs/model.md, "Decomposition"): a few programs
 * that compete for the same plants may move among their candidate plants, whose states, shifts and platforms
 * may change with them, while every other allocation and every other plant stays as the plan has it. Programs
 * that can go to the same plants are the ones whose moves interact — one leaves a plant's last shift half empty,
 * another fills it — so a neighbourhood starts from a program drawn at random and adds the programs that share
 * most of its candidate plants. Deterministic: the same seed gives the same sequence.
 */
export class ProgramNeighbourhoods {
  /** per program, the plants and allocation columns a search may change (bounds that differ) */
  private readonly candidates: { plant: number; col: number }[][];
  /** programs with two candidate plants or more: the only ones a move can change */
  private readonly movable: number[];
  private readonly plantCount: number;
  private readonly random: () => number;

  constructor(a: Block, bounds: Bounds, seed = 1) {
    const [programs, plants] = a.shape as [number, number];
    this.plantCount = plants;
    this.candidates = Array.from({ length: programs }, (_, p) => {
      const found: { plant: number; col: number }[] = [];
      for (let s = 0; s < plants; s++) {
        const j = a.labels[p * plants + s]!;
        if (j >= 0 && bounds.upperOf(j) > bounds.lowerOf(j)) found.push({ plant: s, col: j });
      }
      return found;
    });
    this.movable = this.candidates.flatMap((found, p) => (found.length >= 2 ? [p] : []));
    this.random = mulberry32(seed);
  }

  /** whether no neighbourhood can change a plan */
  get empty(): boolean {
    return this.movable.length === 0;
  }

  /** Up to `size` programs: a movable one drawn at random and those sharing most of its candidate plants. */
  next(size: number): Neighbourhood {
    const plants = new Set<number>();
    if (this.movable.length === 0) return { allocations: [], plants };
    const seed = this.movable[Math.floor(this.random() * this.movable.length)]!;
    const own = new Set(this.candidates[seed]!.map((c) => c.plant));
    const ranked = this.movable
      .filter((p) => p !== seed)
      .map((p) => ({
        p,
        shared: this.candidates[p]!.filter((c) => own.has(c.plant)).length,
        tie: this.random(),
      }))
      .filter((r) => r.shared > 0)
      .sort((u, v) => v.shared - u.shared || u.tie - v.tie);
    const chosen = [seed, ...ranked.slice(0, Math.max(0, size - 1)).map((r) => r.p)];
    const allocations: number[] = [];
    for (const p of chosen)
      for (const { plant, col } of this.candidates[p]!) {
        plants.add(plant);
        allocations.push(col);
      }
    const whole = chosen.length === this.movable.length && plants.size === this.plantCount;
    return { allocations, plants, whole };
  }
}

/** neighbourhoods start with this many programs, and stay within the two bounds after */
const START_PROGRAMS = 3;
const MIN_PROGRAMS = 2;
const MAX_PROGRAMS = 12;

/** a step's time limit grows at most to this many times its first */
const MAX_STEP_GROWTH = 8;

/**
 * The local search's state: a neighbourhood grows while HiGHS settles it in a quarter of its time, shrinks when
 * HiGHS cannot settle it in its time; steps in a row without a better plan are counted. A step's time limit
 * starts at `stepSeconds` and may be doubled (`lengthen`) when short steps stop finding better plans.
 */
export class LocalSearch {
  size = START_PROGRAMS;
  fruitless = 0;
  stepSeconds: number;
  /** a whole neighbourhood was settled: no other one can hold a better plan */
  private exhausted = false;
  private readonly maxStepSeconds: number;

  constructor(
    private readonly hoods: ProgramNeighbourhoods,
    stepSeconds: number,
  ) {
    this.stepSeconds = stepSeconds;
    this.maxStepSeconds = stepSeconds * MAX_STEP_GROWTH;
  }

  /**
   * Doubles a step's time limit and starts the count of fruitless steps afresh; false (and nothing changed) once
   * the limit is at its most. Steps that HiGHS stops at their limit leave their neighbourhood partly searched:
   * with more time the same neighbourhoods may still hold better plans.
   */
  lengthen(): boolean {
    if (this.stepSeconds * 2 > this.maxStepSeconds) return false;
    this.stepSeconds *= 2;
    this.fruitless = 0;
    return true;
  }

  get empty(): boolean {
    return this.exhausted || this.hoods.empty;
  }

  next(): Neighbourhood {
    return this.hoods.next(this.size);
  }

  /**
   * After a step: whether HiGHS settled it, the share of its time it took, whether it gave a better plan, and
   * whether its neighbourhood was whole (`Neighbourhood.whole`; settled, that ends the search: on small models
   * the neighbourhoods grow to the whole one, and the same one was solved again until the patience ran out).
   */
  settled(optimal: boolean, shareOfTime: number, better: boolean, whole = false): void {
    if (optimal && whole) this.exhausted = true;
    this.fruitless = better ? 0 : this.fruitless + 1;
    if (optimal && shareOfTime < 1 / 4) this.size = Math.min(this.size + 1, MAX_PROGRAMS);
    else if (!optimal) this.size = Math.max(MIN_PROGRAMS, this.size - 1);
  }
}

import { availableParallelism } from "node:os";
import { ValidationError } from "../../domain/issues.js";
import { presentCount } from "../../model/blocks.js";
import type { BuiltModel } from "../../model/build.js";
import { dropForcedZeros, expandReduced } from "../../model/forced-zeros.js";
import { HighsSolver, highsRuntime } from "../highs.js";
import type { DecompositionStats, Solution, SolveOptions, SolveProgress } from "../types.js";
import { PlantLagrangian } from "./lagrangian.js";
import { Master, type MasterResult } from "./master.js";
import { LocalSearch, type Neighbourhood, ProgramNeighbourhoods } from "./neighbourhood.js";
import { type HeldAllocations, heaviestPlantOnly, unusedHeldAtLower } from "./rounding.js";
import { allOpenPoint, type Split, splitProgram } from "./split.js";
import { type Cut, type YearResult, cutKey, violates } from "./subproblem.js";
import { LocalYears, ThreadedYears, type YearPool } from "./year-pool.js";

/** Options of the decomposition beyond the common ones. */
export interface BendersOptions extends SolveOptions {
  /** worker threads for the year LPs (BendersEngine.create; default by size) */
  yearThreads?: number;
  /** the master MILP in a thread of its own, the local search alongside (BendersEngine.create; default by size) */
  masterApart?: boolean;
  /** local-search steps at once where the master MILP is not apart (BendersEngine.create; default by size) */
  searchStreams?: number;
  /**
   * the year LPs by the network simplex where they are networks, with Pareto-optimal duals (BendersEngine.create;
   * default: in every one-year model, and from 50,000 to 400,000 columns in models of several years, unless
   * PORTELLO_BENDERS_OFF names `network`)
   */
  yearNetwork?: boolean;
  /** called with every cut added to the master (tests check each against known feasible plans) */
  onCut?: (cut: Cut) => void;
}

/** What the last solve of an engine did: master MILP solves, LP-phase rounds and the cuts it added. */
export type BendersStats = DecompositionStats;

const NAME = "benders";
/** the work of a solve before it starts */
const noWork = (): BendersStats => ({
  iterations: 0,
  lpIterations: 0,
  optimalityCuts: 0,
  feasibilityCuts: 0,
  searchSteps: 0,
});
/** the rounding heuristic's master solve: this share of the remaining time, and a loose gap (no proof needed) */
const HEURISTIC_SHARE = 0.15;
const HEURISTIC_GAP = 1e-3;
/** after the whole model's rounding, the master's own for this share of the time left (its points' cuts) */
const SEED_SHARE = 0.05;
/** PORTELLO_BENDERS_TRACE=1: one line per step on stderr (where the time goes) */
const TRACE = process.env.PORTELLO_BENDERS_TRACE === "1";
/**
 * PORTELLO_BENDERS_OFF=plant-bound,search,master-apart,network: steps left out, for measuring what each one brings
 * side by side (docs/model.md, "The master MILP in a thread of its own"); none is needed for exactness.
 * `master-apart`: the master MILP in the calling thread, the search before it; `network`: HiGHS' LP for every
 * year. Read when an engine is created; unknown names are a ValidationError (one line in the CLI), not a failure
 * of every command at start-up.
 */
const STEPS = ["plant-bound", "search", "master-apart", "network"] as const;
type Step = (typeof STEPS)[number];
/** absolute gap below which a solve counts as optimal whatever its relative gap (as HiGHS' mip_abs_gap) */
const ABSOLUTE_GAP = 1e-6;
/** LP phase: stop when the relaxation's bound improves by less than LP_STALL (relative) over some rounds */
const LP_STALL = 1e-7;
const LP_STALL_ROUNDS = 5;
/**
 * LP phase: also stop when LP_WINDOW rounds together moved the bound by less than LP_WINDOW_GAP_SHARE of the
 * requested gap (relative): rounds that cannot change what the solve proves by more than that are time the
 * plans and the master need. `1m` at gap 1 %: ~2bn a round (0.001 %) over its last 100 rounds, 130 s.
 */
const LP_WINDOW = 10;
const LP_WINDOW_GAP_SHARE = 0.05;
/**
 * LP phase: once the cuts pass this many nonzeros, those slack at the round's LP optimum leave the master (it
 * stays optimal without them; one is added again if a later point violates it). `1m` reached 4M nonzeros
 * (2,177 cuts) in 183 rounds and its master LP then failed ("optimal" without a point, then an error).
 */
const LP_CUT_NONZEROS = 2_000_000;
const LP_MAX_ROUNDS = 1000;
/** the LP phase gets at most this share of the time limit (on oem its bound still fell at 0.3 and stalled near 0.45; 10k stalls after 5 s) */
const LP_SHARE = 0.5;
/** in-out stabilisation: the separation point moves this far from the core point towards the master point */
const IN_OUT_STEP = 0.2;
/**
 * Polishing an incumbent: its allocations held, the whole model solved in one piece by HiGHS for this share of
 * the remaining time (at most POLISH_MAX_SECONDS), to this gap — the best states, shifts and flows for those
 * allocations; no proof needed, the decomposition's bound is what proves. HiGHS gets only the columns those
 * allocations leave free (the flows of unallocated pairs dropped), and only up to POLISH_MAX_COLS of them: the
 * model must fit in HiGHS-WASM's memory (300k-column networks do, 1M-column ones do not; docs/benchmarks.md).
 */
const POLISH_SHARE = 0.25;
const POLISH_MAX_SECONDS = 30;
const POLISH_GAP = 1e-3;
const POLISH_MAX_COLS = 350_000;
/**
 * The bound by plant after the LP phase (its plant MILPs) gets at most this share of the time left, on models of
 * at most LAGRANGIAN_MAX_COLS columns: `1m` (1.05M) at 600 s, 96 s for 261.42bn against the LP's 265.28bn, peak
 * RSS 3,292 MiB with the cuts' duals of the rows across plants kept (3,151–3,174 MiB without); `2m` not measured.
 */
const LAGRANGIAN_SHARE = 0.45;
const LAGRANGIAN_MAX_COLS = 1_200_000;
/**
 * Local search after the polish (docs/model.md, "Decomposition"): each step at most SEARCH_MAX_SECONDS of HiGHS
 * on its neighbourhood (neighbourhood.ts), to SEARCH_GAP; a plan better by SEARCH_GAIN (relative) replaces the
 * incumbent. With the master MILP in the calling thread it gets this share of the time left before the master
 * (all of it above MASTER_APART_MAX_COLS, until it stops finding better plans: there the master MILP does not
 * finish its root LP in the time — `1m`, 600 s: its 180 s moved the bound by 0.02 %, while the search's
 * previous 180 s had found a plan 2 % better); with the master in a thread of its own, all the master's time,
 * alongside it.
 */
const SEARCH_SHARE = 0.5;
const SEARCH_MAX_SECONDS = 5;
const SEARCH_GAP = 1e-4;
const SEARCH_GAIN = 1e-9;
/**
 * the search ends after this many steps in a row without a better plan (small models: the master proves); where
 * it has all the time (above MASTER_APART_MAX_COLS) its steps' time limit doubles instead, up to 8×
 * (`LocalSearch.lengthen`), and it ends only then (`1m` at 1,800 s: 92 steps of 5 s found their last better plan
 * at 680 s, and the master MILP then ran 1,050 s without passing the bound)
 */
const SEARCH_PATIENCE = 10;
/**
 * Above MASTER_APART_MAX_COLS at most this many search steps run at once (a polish there runs in a thread of its
 * own): `1m` at 600 s, ~1.7 times the steps and a plan €0.2–0.5bn better than one stream's in the same hour.
 */
const SEARCH_STREAMS = 2;
/**
 * The master MILP runs in a worker thread of its own, with the search alongside, for models from
 * MASTER_APART_MIN_COLS columns (below, the master proves in a second or two and a thread's start-up per master
 * solve would show) up to MASTER_APART_MAX_COLS (`1m`'s master beside its year LPs and polish would pass 4 GiB,
 * and its master MILP does not finish its root in the time anyway).
 */
const MASTER_APART_MIN_COLS = 5_000;
const MASTER_APART_MAX_COLS = 400_000;
/**
 * The years by the network simplex in one-year models (facility location) at any size, and in models with
 * several years from NETWORK_MIN_COLS to NETWORK_MAX_COLS columns (docs/model.md, "Which optimal duals").
 * Above, on `1m`'s 12 years, a round's year solves took 1.5 s against HiGHS' 0.7 s, and its LP phase ran into
 * half the time limit without converging. Below, its Pareto-optimal cuts left the master MILP a weaker bound
 * than HiGHS' duals (`10k` at 60 s: €20.22–20.25bn in three runs against €20.09–20.18bn in three; `100k` and
 * `oem` the other way round).
 */
const NETWORK_MIN_COLS = 50_000;
const NETWORK_MAX_COLS = 400_000;
/** models above this many nonzeros are polished in a worker thread (`oem` has 472k, `10k` 40k) */
const POLISH_THREAD_MAX_NONZEROS = 300_000;
/**
 * The LP phase's cuts that are slack at its last optimum leave the master before the MIP phase once their
 * nonzeros pass this: `1m`'s 2.9M (~1,500 cuts) made the master MILP abort on HiGHS-WASM's 2 GiB; `oem`'s 0.58M
 * keep their cuts (with only the binding ones its master MILP's bound at 60 s was 97.12bn, with all 97.05bn).
 */
const CUT_REMOVAL_MIN_NONZEROS = 1_000_000;

/**
 * Benders decomposition of a built model (docs/model.md, "Decomposition"): a master over the strategic columns
 * and one flow subproblem per year. The engine keeps its master, subproblems and cuts between solves, so an
 * explanation that forbids a decision changes bounds and re-solves with every cut found so far.
 */
export class BendersEngine {
  readonly stats: BendersStats = noWork();
  /** the cuts in the master, by their text: a cut found twice (e.g. at two master points) is added once */
  private readonly seenCuts = new Set<string>();
  /** the last LP phase's multipliers of the rows that span plants, for measurements (bench/plant-columns.ts) */
  lpMultipliers: Float64Array | undefined;
  private constructor(
    private readonly built: BuiltModel,
    private readonly split: Split,
    private readonly master: Master,
    private readonly years: YearPool,
    /** the bound by plant, for models with integer columns at two plants or more */
    private readonly lagrangian: PlantLagrangian | undefined,
    /** whether the master MILP runs in a thread of its own, the local search alongside it */
    private readonly masterApart: boolean,
    /** local-search steps at once, where the master MILP is not apart */
    private readonly searchStreams: number,
    /** steps left out (PORTELLO_BENDERS_OFF) */
    private readonly off: ReadonlySet<Step>,
    /** whether the Pareto-optimal cuts' core trails the LP points in the LP phase (else: all plants open) */
    private readonly trailingCore: boolean,
  ) {}

  /**
   * `yearThreads`: worker threads for the year LPs; 0 solves them in the calling thread. Default: one per core
   * when the model has at least YEAR_THREADS_MIN_FLOWS flows over two years or more, else 0 (a thread's
   * start-up and the copies of each point outweigh small LPs). `masterApart`: the master MILP in a thread of its
   * own with the local search alongside; default: from MASTER_APART_MIN_COLS to MASTER_APART_MAX_COLS columns.
   */
  static async create(
    built: BuiltModel,
    options: Pick<BendersOptions, "yearThreads" | "masterApart" | "searchStreams" | "yearNetwork"> = {},
  ): Promise<BendersEngine> {
    const off = stepsOff(process.env.PORTELLO_BENDERS_OFF);
    const highs = await highsRuntime();
    const split = splitProgram(built);
    const lagrangian = boundByPlant(built, split);
    const master = new Master(highs, built.program, split);
    const threads = options.yearThreads ?? defaultYearThreads(built, split);
    const numCols = built.program.numCols;
    const useNetwork =
      options.yearNetwork ??
      (!off.has("network") &&
        (split.years.length === 1 || (numCols >= NETWORK_MIN_COLS && numCols <= NETWORK_MAX_COLS)));
    // the core point of the Pareto-optimal cuts: every master column at its upper bound (all plants open); in the
    // LP phase of a model with several years, the in-out core instead (docs/model.md, "Which optimal duals")
    const core = useNetwork ? allOpenPoint(built.program, split) : undefined;
    const trailingCore = useNetwork && split.years.length > 1;
    let years: YearPool;
    try {
      years =
        threads > 0
          ? await ThreadedYears.start(split.years, numCols, threads, core)
          : new LocalYears(highs, split.years, numCols, core);
    } catch (error) {
      master.dispose();
      throw error;
    }
    const masterApart =
      options.masterApart ??
      (!off.has("master-apart") && numCols >= MASTER_APART_MIN_COLS && numCols <= MASTER_APART_MAX_COLS);
    // where the search has the time after the rounding to itself, the cores are its own too (the year LPs'
    // threads wait)
    const searchStreams = Math.max(
      1,
      options.searchStreams ??
        (numCols > MASTER_APART_MAX_COLS ? Math.min(availableParallelism(), SEARCH_STREAMS) : 1),
    );
    return new BendersEngine(
      built,
      split,
      master,
      years,
      lagrangian,
      masterApart,
      searchStreams,
      off,
      trailingCore,
    );
  }

  async dispose(): Promise<void> {
    this.master.dispose();
    await this.years.dispose();
  }

  /**
   * Solves with the given program columns held at zero (none: the model as built); the cuts of earlier
   * solves stay, since they are valid for every master point.
   */
  async solve(options: BendersOptions = {}, heldAtZero: number[] = []): Promise<Solution> {
    const restore = this.master.setBounds(
      heldAtZero,
      heldAtZero.map(() => 0),
      heldAtZero.map(() => 0),
    );
    try {
      return await this.run(options);
    } finally {
      this.master.setBounds(heldAtZero, restore.lower, restore.upper);
    }
  }

  private async run(options: BendersOptions): Promise<Solution> {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const limit = options.timeLimitSeconds ?? Number.POSITIVE_INFINITY;
    const remaining = () => limit - elapsed();
    const targetGap = options.mipRelGap ?? 1e-4;
    const { sign } = this.split;
    const program = this.built.program;
    const stats = this.stats;
    Object.assign(stats, noWork());
    const stopped = () => options.signal?.aborted === true || options.shouldStop?.() === true;
    const shouldStop = () => stopped();
    const trace = (what: string) => {
      if (TRACE) console.error(`[benders ${elapsed().toFixed(2)}s] ${what}`);
    };

    let incumbent: { value: number; x: Float64Array; theta: Float64Array } | undefined;
    let bound = Number.POSITIVE_INFINITY;
    const gapOf = () => (incumbent ? relativeGap(incumbent.value, bound) : Number.POSITIVE_INFINITY);
    const proven = () =>
      incumbent !== undefined && (bound - incumbent.value <= ABSOLUTE_GAP || gapOf() <= targetGap);
    const report = () => {
      trace(`incumbent ${incumbent?.value ?? "none"}, bound ${bound}`);
      if (!options.onProgress) return;
      const p: SolveProgress = { elapsedSeconds: elapsed() };
      if (incumbent) p.incumbent = sign * incumbent.value + program.objectiveOffset;
      if (Number.isFinite(bound)) p.bound = sign * bound + program.objectiveOffset;
      if (incumbent && Number.isFinite(bound)) p.gap = gapOf();
      options.onProgress(p);
    };
    const finish = (status: Solution["status"], message?: string): Solution => {
      const solution: Solution = {
        status,
        objective: Number.NaN,
        x: new Float64Array(0),
        solver: NAME,
        seconds: elapsed(),
        decomposition: { ...stats },
      };
      if (incumbent) {
        solution.x = incumbent.x;
        solution.objective = objectiveOf(program, incumbent.x);
        if (Number.isFinite(bound)) {
          solution.bound = sign * bound + program.objectiveOffset;
          solution.gap = gapOf();
        }
      }
      if (message) solution.message = message;
      trace(`finish ${status}: ${JSON.stringify(stats)}`);
      return solution;
    };

    /** a new core point for the Pareto-optimal cuts, sent to the years with the next point */
    let coreUpdate: Float64Array | undefined;
    /** Evaluates every year at a master point: the cuts it gives and, when all are feasible, the plan. */
    const evaluate = async (x: Float64Array) => {
      const clock = performance.now();
      const results = await this.years.solveAll(x, coreUpdate);
      coreUpdate = undefined;
      trace(`subproblems ${((performance.now() - clock) / 1000).toFixed(2)}s`);
      return { results, feasible: results.every((r) => r.feasible) };
    };
    const seen = this.seenCuts;
    const addViolated = (
      results: YearResult[],
      at: Float64Array,
      theta: Float64Array | undefined,
    ): number => {
      let added = 0;
      results.forEach((result, k) => {
        const { cut } = result;
        const key = cutKey(cut);
        if (!violates(cut, at, theta?.[k]) || seen.has(key)) return;
        seen.add(key);
        this.master.addCut(cut, k, key);
        options.onCut?.(cut);
        if (cut.feasibility) stats.feasibilityCuts++;
        else stats.optimalityCuts++;
        added++;
      });
      return added;
    };
    const consider = (x: Float64Array, results: YearResult[]) => {
      const full = Float64Array.from(x);
      let value = 0;
      for (let j = 0; j < program.numCols; j++)
        if (!this.split.isSub[j]) value += sign * program.colCost[j]! * x[j]!;
      results.forEach((r, k) => {
        value += r.value;
        const cols = this.split.years[k]!.cols;
        cols.forEach((j, c) => {
          full[j] = r.y[c]!;
        });
      });
      if (!incumbent || value > incumbent.value) {
        incumbent = { value, x: full, theta: Float64Array.from(results, (r) => r.value) };
        return true;
      }
      return false;
    };
    /** The cuts slack at an LP point leave the master (and may come back: their keys are forgotten). */
    const dropSlackCuts = (point: Float64Array, theta: Float64Array, where: string) => {
      const removed = this.master.removeSlackCuts(point, theta);
      for (const key of removed) seen.delete(key);
      trace(`${removed.length} cuts slack at ${where} removed`);
    };
    /** A master point checked by the subproblems: a candidate plan when every year is feasible, and cuts. */
    const check = async (x: Float64Array, theta: Float64Array | undefined): Promise<number> => {
      const { results, feasible } = await evaluate(x);
      if (feasible) consider(x, results);
      return addViolated(results, x, theta);
    };
    /** A master solve's point and the other improving points it found on its way (the primal heuristic). */
    const checkAll = async (result: MasterResult): Promise<number> => {
      let added = 0;
      if (result.x && result.theta) added += await check(result.x, result.theta);
      for (const point of result.found) {
        if (remaining() <= 0 || stopped()) break;
        added += await check(point.x, point.theta);
      }
      return added;
    };

    // Phase 1: the LP relaxation, with in-out stabilisation (Ben-Ameur & Neto; Fischetti, Ljubić & Sinnl):
    // cuts are separated at a point between the master's LP point and a core point that trails it, which
    // gives deeper cuts than the LP point alone; where that point yields none, at the LP point itself.
    this.master.setIntegrality(false);
    // the first core point: every master column at its upper bound (all plants open, every allocation made)
    let core: Float64Array | undefined = allOpenPoint(program, this.split);
    let step = IN_OUT_STEP;
    let lastBound = Number.POSITIVE_INFINITY;
    let stalls = 0;
    /** the LP bound of each round, for the window criterion */
    const lpBounds: number[] = [];
    let lpPoint: Float64Array | undefined;
    let lpTheta: Float64Array | undefined;
    const lpDeadline = elapsed() + remaining() * LP_SHARE;
    for (let round = 0; round < LP_MAX_ROUNDS && this.split.years.length > 0; round++) {
      if (stopped() || elapsed() >= lpDeadline) break;
      const lpControls = { timeLimitSeconds: lpDeadline - elapsed(), mipRelGap: targetGap, shouldStop };
      let lp = this.master.solve(lpControls);
      if (lp.status === "optimal" && !lp.x) {
        // HiGHS can call the LP optimal with an infeasible point after many cuts (seen on `1m` at round 11,
        // which ended the LP phase with the bound still falling fast): the same LP from the slack basis
        trace("master LP optimal without a feasible point: again from the slack basis");
        this.master.resetBasis();
        lp = this.master.solve(lpControls);
      }
      stats.lpIterations++;
      if (lp.status === "infeasible") return finish("infeasible");
      if (lp.status !== "optimal" || !lp.x || !lp.theta) {
        trace(`LP phase ends: master LP ${lp.status}${lp.x ? "" : " without a feasible point"}`);
        break;
      }
      // the master's LP relaxes the master, which relaxes the model: its optimum is a bound already
      bound = Math.min(bound, lp.objective);
      const point = lp.x;
      lpPoint = point;
      lpTheta = lp.theta;
      core = core ? mix(core, point, 0.5) : Float64Array.from(point);
      if (this.trailingCore) coreUpdate = core;
      let added =
        step < 1 ? addViolated((await evaluate(mix(core, point, step))).results, point, lp.theta) : 0;
      if (added === 0) added = addViolated((await evaluate(point)).results, point, lp.theta);
      trace(`LP round ${round}: bound ${lp.objective}, ${added} cuts`);
      report();
      if (added === 0) break;
      const improved = lastBound - lp.objective > LP_STALL * Math.max(1, Math.abs(lp.objective));
      lastBound = lp.objective;
      stalls = improved ? 0 : stalls + 1;
      // a stalling bound: separate at the LP point itself (Fischetti, Ljubić & Sinnl), and stop if that stalls too
      if (stalls === LP_STALL_ROUNDS && step < 1) {
        step = 1;
        stalls = 0;
      } else if (stalls >= LP_STALL_ROUNDS) break;
      lpBounds.push(lp.objective);
      const before = lpBounds[lpBounds.length - 1 - LP_WINDOW];
      if (
        before !== undefined &&
        before - lp.objective < LP_WINDOW_GAP_SHARE * targetGap * Math.max(1, Math.abs(lp.objective))
      ) {
        trace(`LP phase ends: ${LP_WINDOW} rounds moved the bound by ${before - lp.objective}`);
        break;
      }
      if (this.master.cutNonzeros() > LP_CUT_NONZEROS) dropSlackCuts(point, lp.theta, "this LP point");
      await yieldToEvents();
    }

    // integral points are cut best with the all-open core (on OR-Library instances, e.g. `cap91` 5 s against
    // 36 s with the last in-out core)
    if (this.trailingCore) coreUpdate = allOpenPoint(program, this.split);
    // the LP's multipliers for the bound by plant, before the cut removal below renumbers the master's rows
    const lambda = this.lagrangian && this.master.multipliers(program.numRows);
    this.lpMultipliers = lambda;
    const cutNonzeros = this.master.cutNonzeros();
    if (lpPoint && lpTheta && cutNonzeros > CUT_REMOVAL_MIN_NONZEROS)
      dropSlackCuts(lpPoint, lpTheta, `the last LP point (${cutNonzeros} cut nonzeros)`);
    // A bound by plant: the rows across plants relaxed at the LP phase's duals, one MILP per plant (on the
    // model's own column bounds: with an explanation's held decisions that is a weaker bound, still valid)
    if (
      lpPoint &&
      lambda &&
      this.lagrangian &&
      !this.off.has("plant-bound") &&
      !stopped() &&
      remaining() > 0
    ) {
      const clock = performance.now();
      let value: number | undefined;
      const timedOut: string[] = [];
      try {
        value = await this.lagrangian.bound(lambda, {
          seconds: remaining() * LAGRANGIAN_SHARE,
          // threads as for the year LPs: on small models a thread's start-up outweighs their MILPs
          threads: defaultYearThreads(this.built, this.split) > 0 ? availableParallelism() : 0,
          shouldStop,
          onPlant: ({ cols, seconds, timedOut: stopped }) => {
            if (stopped) timedOut.push(`${cols} columns at ${seconds.toFixed(1)} s`);
          },
        });
      } catch (error) {
        // a plant-MILP thread that died (e.g. out of memory): this bound is optional, the solve goes on without
        trace(`plant bound failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      trace(
        `plant bound: ${value ?? "none"} in ${((performance.now() - clock) / 1000).toFixed(2)} s; ` +
          `plant MILPs stopped by their time: ${timedOut.length ? timedOut.join(", ") : "none"}`,
      );
      if (value !== undefined && value < bound) {
        bound = value;
        report();
      }
    }

    this.master.setIntegrality(true);
    /** The master MILP with the given allocations held, for this share of the time left: a heuristic's points. */
    const roundByMaster = (held: HeldAllocations, share: number): MasterResult => {
      const restore = this.master.setBounds(held.cols, held.values, held.values);
      try {
        // presolve on: with the allocations held, most of the master presolves away (its points are checked
        // by the subproblems, so this solve needs no proof)
        const result = this.master.solve({
          timeLimitSeconds: remaining() * share,
          mipRelGap: HEURISTIC_GAP,
          shouldStop,
          presolve: true,
        });
        trace(`rounding by the master: ${result.status}, ${result.found.length} points`);
        return result;
      } finally {
        this.master.setBounds(held.cols, restore.lower, restore.upper);
      }
    };
    // An early incumbent from the LP point: each program may stay only at the plant where the LP builds most of
    // it (if that leaves no plan: wherever the LP uses it), and the whole model chooses among these allocations,
    // with the states, shifts and flows for them. Where the whole model gives no plan (too large for HiGHS-WASM,
    // or none in its time) the master MILP chooses on its cuts, and its plan is polished below.
    let polishNeeded = false;
    if (lpPoint && !stopped() && remaining() > 0) {
      const a = this.built.variables.a;
      for (const held of [
        heaviestPlantOnly(a, this.master, lpPoint),
        unusedHeldAtLower(a, this.master, lpPoint),
      ]) {
        const byModel = await this.roundByModel(
          held,
          {
            timeLimitSeconds: Math.min(remaining() * POLISH_SHARE, POLISH_MAX_SECONDS),
            mipRelGap: POLISH_GAP,
            shouldStop,
          },
          trace,
        );
        trace(`rounding by the model: ${byModel.status}, ${byModel.plan?.value ?? "no plan"}`);
        if (byModel.plan) {
          incumbent = byModel.plan;
          // its master point through the year LPs: the cuts there for the master MILP, whose first start it is
          // (and the years' optimal flows for it, which the plan's 0.1 % gap may have left)
          await check(incumbent.x, undefined);
          report();
          // and, for the master MILP apart, the master's own rounding: the cuts at the points it finds on its
          // way (on `10k` that master's bound at 60 s was 20.17bn from the cuts at one plan, 20.09bn with them)
          if (this.masterApart && !proven() && !stopped() && remaining() > 0)
            await checkAll(roundByMaster(held, SEED_SHARE));
          break;
        }
        if (byModel.status === "infeasible" || stopped() || remaining() <= 0) continue;
        const result = roundByMaster(held, HEURISTIC_SHARE);
        if (result.status === "infeasible") continue;
        await checkAll(result);
        polishNeeded = incumbent !== undefined;
        report();
        break;
      }
      if (proven()) return finish("optimal");
    }

    // The master's rounding polished: on `oem` its plan gained ~1 % in the first 2 s of this solve (92.90bn →
    // 93.68bn), the states and shifts it chose on its cuts being far from the best ones for its allocations
    if (polishNeeded && incumbent && !proven() && !stopped() && remaining() > 0) {
      const polished = await this.polish(
        incumbent.x,
        {
          timeLimitSeconds: Math.min(remaining() * POLISH_SHARE, POLISH_MAX_SECONDS),
          mipRelGap: POLISH_GAP,
          shouldStop,
        },
        trace,
      );
      trace(`polish: ${polished.plan?.value ?? "no plan"}`);
      if (polished.plan && polished.plan.value > incumbent.value) {
        incumbent = polished.plan;
        report();
        if (proven()) return finish("optimal");
      }
    }

    // Local search on the allocations: a few programs that compete for the same plants are freed, everything
    // else held as the incumbent has it, and the whole model solved from the incumbent (a polish with freedom)
    const search =
      incumbent && !this.off.has("search")
        ? new LocalSearch(new ProgramNeighbourhoods(this.built.variables.a, this.master), SEARCH_MAX_SECONDS)
        : undefined;
    /** One step of the search, of at most `seconds`; false when the search has nothing left to try. */
    const searchStep = async (seconds: number, stepStop = shouldStop): Promise<boolean> => {
      if (!search || !incumbent || search.empty) return false;
      const clock = performance.now();
      const size = search.size;
      const hood = search.next();
      const moved = await this.polish(
        incumbent.x,
        { timeLimitSeconds: seconds, mipRelGap: SEARCH_GAP, shouldStop: stepStop },
        trace,
        hood,
      );
      const took = (performance.now() - clock) / 1000;
      stats.searchSteps++;
      const better =
        moved.plan !== undefined &&
        moved.plan.value > incumbent.value + SEARCH_GAIN * Math.max(1, Math.abs(incumbent.value));
      trace(
        `search (${size} programs): ${moved.status} in ${took.toFixed(2)} s${better ? `, ${moved.plan!.value}` : ""}`,
      );
      search.settled(moved.status === "optimal", took / seconds, better, hood.whole);
      if (better) {
        incumbent = moved.plan!;
        report();
      }
      await yieldToEvents();
      return true;
    };
    // With the master MILP in a thread of its own (large models), the search runs alongside it, below; else
    // before it, for a share of the time, until it stops finding better plans
    const apart = this.masterApart;
    if (search && !apart && !proven() && !stopped() && remaining() > 0) {
      const searchOnly = program.numCols > MASTER_APART_MAX_COLS;
      const deadline = elapsed() + remaining() * (searchOnly ? 1 : SEARCH_SHARE);
      // in streams of steps at once, each step from the best plan so far, the patience counted per stream;
      // where the search has all the time, patience lost lengthens the steps before it ends the search
      const streams = this.searchStreams;
      const patient = () => search.fruitless < SEARCH_PATIENCE * streams || (searchOnly && search.lengthen());
      const stream = async () => {
        while (!stopped() && !proven() && deadline - elapsed() > 0.5 && patient())
          if (!(await searchStep(Math.min(deadline - elapsed(), search.stepSeconds)))) break;
      };
      await Promise.all(Array.from({ length: streams }, stream));
      if (proven()) return finish("optimal");
    }

    // Phase 2: the master MILP again and again, each point checked by the subproblems; the incumbent warm
    // starts the next master solve. Each gets all the time left: a restart loses the branch-and-bound tree
    // (on 10k, master solves in slices of a quarter or half of the time ended with weaker bounds than one
    // long solve), and the rounding heuristic has given an incumbent already.
    let masterGap = Math.max(targetGap / 2, 1e-9);
    for (;;) {
      if (stopped()) return finish("cancelled");
      if (remaining() <= 0) return finish("time-limit");
      const controls = { timeLimitSeconds: remaining(), mipRelGap: masterGap, shouldStop };
      const start = incumbent ? { x: incumbent.x, theta: incumbent.theta } : undefined;
      let result: MasterResult;
      if (apart) {
        // the search steps while the master MILP runs; a plan the search proves optimal stops the master
        let running = true;
        const pending = this.master
          .solveApart({ ...controls, shouldStop: () => stopped() || proven() }, start)
          .finally(() => {
            running = false;
          });
        const stepStop = () => stopped() || !running;
        while (running && !stopped() && !proven() && remaining() > 0.5)
          if (!(await searchStep(Math.min(remaining(), SEARCH_MAX_SECONDS), stepStop))) break;
        result = await pending;
        if (proven()) return finish("optimal");
      } else result = this.master.solve(controls, start);
      stats.iterations++;
      trace(`master MILP: ${result.status}, bound ${result.bound}, ${result.found.length} points`);
      if (result.status === "infeasible") {
        // the master relaxes the model, so this proves infeasibility, unless a plan was found before
        // (then only numerical trouble in the cuts can explain it)
        return incumbent
          ? finish("error", "the Benders master lost its feasible plans")
          : finish("infeasible");
      }
      if (result.status === "error")
        return finish(
          "error",
          `the Benders master stopped with an error${result.message ? `: ${result.message}` : ""}`,
        );
      bound = Math.min(bound, result.bound);
      const added = await checkAll(result);
      report();
      if (proven()) return finish("optimal");
      if (stopped()) return finish("cancelled");
      // not stopped by the caller (seen above): by its time limit, which is the solve's
      if (result.status === "stopped") return finish("time-limit");
      if (added === 0) {
        // the master's point is proven, but its own gap keeps the bound apart from the incumbent
        if (masterGap <= 1e-9) return finish("error", "the decomposition stalled above the requested gap");
        masterGap = Math.max(masterGap / 10, 1e-9);
      }
      await yieldToEvents();
    }
  }

  /**
   * The rounding heuristic through the whole model: the held allocations at their values, every other one free
   * within its current bounds, every plant's states, shifts and platforms free — a polish of a plan that has
   * no allocations yet (HiGHS finds its own first plan).
   */
  private roundByModel(
    held: HeldAllocations,
    controls: SolveOptions,
    trace: (what: string) => void,
  ): Promise<Polished> {
    const program = this.built.program;
    const x = new Float64Array(program.numCols);
    const isHeld = new Uint8Array(program.numCols);
    held.cols.forEach((j, k) => {
      x[j] = held.values[k]!;
      isHeld[j] = 1;
    });
    const allocations = Array.from(this.built.variables.a.labels).filter((j) => j >= 0 && !isHeld[j]);
    const plants = new Set<number>();
    for (const s of program.cols.plant) if (s >= 0) plants.add(s);
    return this.polish(x, controls, trace, { allocations, plants });
  }

  /**
   * The whole model with the plan's allocations held (and every master column within its current bounds, e.g.
   * an explanation's held decisions), solved in one piece from the plan: a plan at least as good, with HiGHS'
   * status (no plan when HiGHS returns none). With a neighbourhood (the local search), its allocations are free
   * and every other plant's states, shifts and platforms held as the plan has them.
   */
  private async polish(
    x: Float64Array,
    controls: SolveOptions,
    trace: (what: string) => void,
    around?: Neighbourhood,
  ): Promise<Polished> {
    const program = this.built.program;
    const { isSub, sign, years } = this.split;
    const colLower = Float64Array.from(program.colLower);
    const colUpper = Float64Array.from(program.colUpper);
    for (let j = 0; j < program.numCols; j++) {
      if (isSub[j]) continue;
      colLower[j] = this.master.lowerOf(j);
      colUpper[j] = this.master.upperOf(j);
    }
    for (const j of this.built.variables.a.labels) if (j >= 0) colLower[j] = colUpper[j] = Math.round(x[j]!);
    if (around) {
      // the plants outside the neighbourhood keep the plan's states, shifts and platforms
      const plantOf = program.cols.plant;
      for (let j = 0; j < program.numCols; j++)
        if (!isSub[j] && program.integrality[j] && plantOf[j]! >= 0 && !around.plants.has(plantOf[j]!))
          colLower[j] = colUpper[j] = Math.round(x[j]!);
      for (const j of around.allocations) {
        colLower[j] = this.master.lowerOf(j);
        colUpper[j] = this.master.upperOf(j);
      }
    }
    const reduced = dropForcedZeros({ ...program, colLower, colUpper });
    trace(
      `polish: ${reduced.program.numCols} of ${program.numCols} columns` +
        (around ? `, ${around.plants.size} plants and ${around.allocations.length} allocations free` : ""),
    );
    if (reduced.program.numCols > POLISH_MAX_COLS) return { status: "error" };
    // a large network's polish runs in a worker thread of its own, so that the WebAssembly memory it grows
    // (which never shrinks) is returned afterwards instead of staying in the runtime the master solves in
    const solver = new HighsSolver({
      run: program.colIndex.length > POLISH_THREAD_MAX_NONZEROS ? "worker" : "thread",
    });
    // the plan itself as HiGHS' first incumbent: it is feasible here, so the search only looks for better
    const start = Float64Array.from(reduced.kept, (j) => x[j]!);
    const run = await solver.solve(reduced.program, { ...controls, start });
    if (run.x.length !== reduced.program.numCols) return { status: run.status };
    const plan = expandReduced(reduced, program.numCols, run.x);
    const theta = Float64Array.from(years, (part) => {
      let profit = 0;
      part.cols.forEach((j, c) => {
        profit += part.cost[c]! * plan[j]!;
      });
      return profit;
    });
    let value = theta.reduce((sum, v) => sum + v, 0);
    for (let j = 0; j < program.numCols; j++) if (!isSub[j]) value += sign * program.colCost[j]! * plan[j]!;
    return { status: run.status, plan: { value, x: plan, theta } };
  }
}

/** A polish's outcome: how HiGHS ended, and its plan as an incumbent (value, full vector, each year's flow profit). */
interface Polished {
  status: Solution["status"];
  plan?: { value: number; x: Float64Array; theta: Float64Array };
}

/**
 * The bound by plant, for models with integer columns at two plants or more and at most LAGRANGIAN_MAX_COLS
 * columns (its cuts keep the duals of the rows across plants: ~20 MB on `oem`; `1m`'s peak RSS is 0.12–0.14 GiB
 * higher with it, plant MILPs included); it marks the year rows whose duals the cuts keep.
 */
function boundByPlant(built: BuiltModel, split: Split): PlantLagrangian | undefined {
  const { program } = built;
  if (program.numCols > LAGRANGIAN_MAX_COLS || !program.integrality.some((v) => v !== 0)) return undefined;
  const lagrangian = new PlantLagrangian(program, program.cols.plant, split.sign);
  if (lagrangian.numPlants < 2) return undefined;
  const relaxed = new Uint8Array(program.numRows);
  for (const r of lagrangian.relaxed) relaxed[r] = 1;
  for (const part of split.years) {
    const spanning: number[] = [];
    part.rows.forEach((r, i) => {
      if (r >= 0 && relaxed[r]) spanning.push(i);
    });
    part.spanning = Int32Array.from(spanning);
  }
  return lagrangian;
}

/** Year LPs go to worker threads from this many flow columns (as `auto` picks the decomposition itself). */
export const YEAR_THREADS_MIN_FLOWS = 50_000;

function defaultYearThreads(built: BuiltModel, split: Split): number {
  if (split.years.length < 2) return 0;
  return presentCount(built.variables.x) >= YEAR_THREADS_MIN_FLOWS
    ? Math.min(availableParallelism(), split.years.length)
    : 0;
}

/** Solves a built model by Benders decomposition (one engine, disposed afterwards). */
export async function solveByBenders(built: BuiltModel, options: BendersOptions = {}): Promise<Solution> {
  const engine = await BendersEngine.create(built, options);
  try {
    return await engine.solve(options);
  } finally {
    await engine.dispose();
  }
}

function stepsOff(list: string | undefined): Set<Step> {
  const off = new Set<Step>();
  for (const name of (list ?? "").split(",").map((part) => part.trim())) {
    if (name === "") continue;
    if (!(STEPS as readonly string[]).includes(name)) {
      const expected = `a comma-separated list of ${STEPS.join(", ")}`;
      throw new ValidationError([
        {
          file: "<environment>",
          path: "PORTELLO_BENDERS_OFF",
          expected,
          found: name,
          message: `expected ${expected}; found "${name}"`,
        },
      ]);
    }
    off.add(name as Step);
  }
  return off;
}

function relativeGap(incumbent: number, bound: number): number {
  return Math.max(0, bound - incumbent) / Math.max(Math.abs(incumbent), 1e-9);
}

function objectiveOf(program: BuiltModel["program"], x: Float64Array): number {
  let value = program.objectiveOffset;
  for (let j = 0; j < program.numCols; j++) value += program.colCost[j]! * x[j]!;
  return value;
}

function mix(a: Float64Array, b: Float64Array, towardsB: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - towardsB) * a[i]! + towardsB * b[i]!;
  return out;
}

/** Lets timers and messages run (an abort from outside is seen between iterations). */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

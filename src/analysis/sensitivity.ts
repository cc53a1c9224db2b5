import type { Scenario } from "../domain/scenario.js";
import { solveScenario } from "../plan/solve.js";
import type { Plan } from "../plan/types.js";
import { OPTIMUM_GAP, OPTIMUM_TOLERANCE } from "../solver/types.js";

/**
 * Sensitivity of a choice between options. Each option is a scenario (e.g. "reopen Belvidere", "Italy only")
 * and gives an answer (e.g. "yes"/"no"); a parameter value changes every option, they are re-solved, and the
 * best option's answer is compared with the baseline's. Break-evens are found by bisection on re-solves: the
 * parameter is moved from its baseline towards the end of a searched range until the answer changes, then the
 * bracket is halved until it is narrower than the tolerance asked for.
 */

export interface Contender {
  id: string;
  /** the answer this option gives to the question, e.g. "yes" or "no" */
  answer: string;
  scenario: Scenario;
  /** NPV of the option's baseline plan */
  npv: number;
}

/** The scenario an option becomes under a parameter value; it must not mutate its argument. */
export type Edit = (scenario: Scenario) => Scenario;

/** Solves a scenario to its NPV; replaceable in tests. */
export type NpvSolver = (scenario: Scenario) => Promise<number>;

/** The scenario solved to its proven optimum (its gap closed); anything less is an error. */
export async function solveToOptimum(scenario: Scenario, explain = false): Promise<Plan> {
  const plan = await solveScenario(scenario, { explain, mipRelGap: OPTIMUM_GAP });
  const gap = plan.solver.gap ?? 0;
  if (plan.status !== "optimal" || !(gap <= OPTIMUM_TOLERANCE)) {
    const stopped = plan.status === "optimal" ? `with a gap of ${gap}` : plan.status;
    throw new Error(`${scenario.id} ended ${stopped}, not proven optimal`);
  }
  return plan;
}

export const solveNpv: NpvSolver = async (scenario) => (await solveToOptimum(scenario)).npv;

/** The options re-solved at one parameter value. */
export interface Evaluation {
  value: number;
  /** NPV per option id */
  npv: Record<string, number>;
  winner: string;
  /** the winner's NPV minus the best option giving another answer (negative never: it is the winner) */
  lead: number;
  /** the best option giving another answer than the winner's */
  runnerUp?: string;
  /** true where the winner's answer differs from the baseline's */
  flips: boolean;
  /** options re-solved (the rest kept their baseline NPV: the value does not touch them) */
  resolved: string[];
}

export interface BreakEven {
  /** the baseline answer still holds here … */
  holds: number;
  /** … and no longer here: the break-even lies between, |flips − holds| ≤ the tolerance */
  flips: number;
  /** the option that wins at `flips` */
  winner: string;
}

export interface Study {
  baseline: number;
  tries: Evaluation[];
  /** one per side of the baseline where the answer flips within the searched range */
  breakEvens: BreakEven[];
  /** every value evaluated, in order (tries, range ends, bisection steps) */
  evaluations: Evaluation[];
  solves: number;
}

export class SensitivityProbe {
  readonly baselineWinner: string;
  readonly baselineAnswer: string;
  solves = 0;

  constructor(
    readonly contenders: Contender[],
    private readonly solve: NpvSolver = solveNpv,
  ) {
    if (contenders.length === 0) throw new Error("sensitivity needs at least one option");
    this.baselineWinner = bestOf(Object.fromEntries(contenders.map((c) => [c.id, c.npv]))).winner;
    this.baselineAnswer = this.answerOf(this.baselineWinner);
  }

  answerOf(id: string): string {
    return this.contenders.find((c) => c.id === id)!.answer;
  }

  /** Re-solves every option the edit changes; the others keep their baseline NPV. */
  async evaluate(value: number, edit: Edit): Promise<Evaluation> {
    const npv: Record<string, number> = {};
    const resolved: string[] = [];
    for (const option of this.contenders) {
      const changed = edit(option.scenario);
      if (sameScenario(changed, option.scenario)) {
        npv[option.id] = option.npv;
        continue;
      }
      npv[option.id] = await this.solve(changed);
      resolved.push(option.id);
      this.solves++;
    }
    const { winner } = bestOf(npv);
    const answer = this.answerOf(winner);
    const others = this.contenders.filter((c) => c.answer !== answer).map((c) => c.id);
    const runnerUp = others.sort((a, b) => npv[b]! - npv[a]!)[0];
    return {
      value,
      npv,
      winner,
      lead: runnerUp === undefined ? 0 : npv[winner]! - npv[runnerUp]!,
      ...(runnerUp === undefined ? {} : { runnerUp }),
      flips: answer !== this.baselineAnswer,
      resolved,
    };
  }

  /**
   * Tries the given values, then, on each side of the baseline, finds where the answer flips within
   * [from, to] and halves the bracket down to `tolerance`. `integer` keeps every value tried whole (years).
   */
  async study(
    editAt: (value: number) => Edit,
    baseline: number,
    tries: number[],
    search?: { from: number; to: number; tolerance: number; integer?: boolean },
  ): Promise<Study> {
    const before = this.solves;
    const evaluated = new Map<number, Evaluation>();
    const evaluations: Evaluation[] = [];
    const at = async (value: number) => {
      const known = evaluated.get(value);
      if (known) return known;
      const result = await this.evaluate(value, editAt(value));
      evaluated.set(value, result);
      evaluations.push(result);
      return result;
    };
    const triesDone: Evaluation[] = [];
    for (const value of tries) triesDone.push(await at(value));

    const breakEvens: BreakEven[] = [];
    if (search) {
      const known = new Map(
        [...evaluated].map(([value, e]) => [value, { flips: e.flips, winner: e.winner }]),
      );
      for (const end of [search.from, search.to]) {
        const searching = breakEvenSearch({ baseline, end, ...search }, known);
        let step = searching.next();
        while (!step.done) step = searching.next(await at(step.value));
        if (step.value) breakEvens.push(step.value);
      }
    }
    return { baseline, tries: triesDone, breakEvens, evaluations, solves: this.solves - before };
  }
}

/** What one evaluation says: does the answer differ from the baseline's, and which option wins. */
export interface Verdict {
  flips: boolean;
  winner: string;
}

/**
 * The break-even on one side of the baseline, as a conversation: it yields the values it needs evaluated and is
 * sent back their verdicts. From the values already known (`known`, which it extends), it takes the nearest one
 * that flips on this side, evaluating the range's end when none does; then it halves the bracket between the
 * last value that holds and the first that flips until it is narrower than the tolerance. Undefined: no flip in
 * range. Callers evaluate one value at a time (SensitivityProbe) or many searches in lockstep (studies).
 */
export function* breakEvenSearch(
  search: { baseline: number; end: number; tolerance: number; integer?: boolean },
  known: Map<number, Verdict>,
): Generator<number, BreakEven | undefined, Verdict> {
  const { baseline, end } = search;
  if (end === baseline) return undefined;
  const side = Math.sign(end - baseline);
  const distance = (value: number) => Math.abs(value - baseline);
  // known values on this side, nearest first
  const onSide = () =>
    [...known]
      .filter(([value]) => Math.sign(value - baseline) === side && distance(value) <= distance(end))
      .sort((a, b) => distance(a[0]) - distance(b[0]));
  if (!onSide().some(([, v]) => v.flips)) known.set(end, yield end);
  const points = onSide();
  const firstFlip = points.find(([, v]) => v.flips);
  if (!firstFlip) return undefined;
  let holds =
    points.filter(([value, v]) => !v.flips && distance(value) < distance(firstFlip[0])).at(-1)?.[0] ??
    baseline;
  let [flips, flipped] = firstFlip;
  while (Math.abs(flips - holds) > search.tolerance) {
    let mid = (holds + flips) / 2;
    if (search.integer) {
      mid = Math.round(mid);
      if (mid === holds || mid === flips) break;
    }
    let verdict = known.get(mid);
    if (!verdict) {
      verdict = yield mid;
      known.set(mid, verdict);
    }
    if (verdict.flips) [flips, flipped] = [mid, verdict];
    else holds = mid;
  }
  return { holds, flips, winner: flipped.winner };
}

/** The option with the highest NPV (the first listed on a tie) and its lead over the next best. */
export function bestOf(npv: Record<string, number>): { winner: string; margin: number } {
  const ranked = Object.entries(npv).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first) throw new Error("no options to rank");
  // ties go to the option listed first (stable sort), so an unchanged ranking never "flips" on a tie
  return { winner: first[0], margin: second ? first[1] - second[1] : 0 };
}

function sameScenario(a: Scenario, b: Scenario): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

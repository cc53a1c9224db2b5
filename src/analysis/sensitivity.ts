import type { Scenario } from "../domain/scenario.js";
import { solveScenario } from "../plan/solve.js";
import type { Plan } from "../plan/types.js";

/**
 * Sensitivity of a choice between options: each option is a scenario (e.g. "reopen Belvidere", "Italy only");
 * every variation changes a parameter in all of them, they are re-solved, and the report says whether the
 * winning option changes. An option a variation does not touch keeps its baseline NPV (no re-solve).
 */

export interface SensitivityOption {
  id: string;
  name: string;
  scenario: Scenario;
  /** NPV of the option's baseline plan */
  npv: number;
}

/** One changed parameter value. `apply` returns a changed copy; it must not mutate its argument. */
export interface Variation {
  id: string;
  /** the parameter varied, e.g. "US duty on EU-built cars" */
  parameter: string;
  /** the value tried, e.g. "27.5% (no EU-US deal)" */
  value: string;
  apply: (scenario: Scenario) => Scenario;
}

export interface SensitivityRun {
  variation: { id: string; parameter: string; value: string };
  /** NPV per option id under the variation */
  npv: Record<string, number>;
  winner: string;
  /** winner's NPV minus the runner-up's under the variation */
  margin: number;
  /** true where the winner differs from the baseline winner */
  flips: boolean;
  /** options re-solved for this run (the rest kept their baseline NPV) */
  resolved: string[];
}

export interface SensitivityReport {
  baselineWinner: string;
  runs: SensitivityRun[];
  /** true where no variation changes the winner */
  robust: boolean;
  solves: number;
}

/** Solves a scenario to its NPV; replaceable in tests. Explanations are skipped: only the NPV is compared. */
export type NpvSolver = (scenario: Scenario) => Promise<number>;

export const solveNpv: NpvSolver = async (scenario) => {
  const plan: Plan = await solveScenario(scenario, { explain: false });
  if (plan.status !== "optimal") {
    throw new Error(`sensitivity run of ${scenario.id} ended ${plan.status}, not optimal`);
  }
  return plan.npv;
};

export async function runSensitivity(
  options: SensitivityOption[],
  variations: Variation[],
  solve: NpvSolver = solveNpv,
): Promise<SensitivityReport> {
  if (options.length === 0) throw new Error("sensitivity needs at least one option");
  const baselineWinner = bestOf(Object.fromEntries(options.map((o) => [o.id, o.npv]))).winner;
  const runs: SensitivityRun[] = [];
  let solves = 0;
  for (const variation of variations) {
    const npv: Record<string, number> = {};
    const resolved: string[] = [];
    for (const option of options) {
      const changed = variation.apply(option.scenario);
      if (sameScenario(changed, option.scenario)) {
        npv[option.id] = option.npv;
        continue;
      }
      npv[option.id] = await solve(changed);
      resolved.push(option.id);
      solves++;
    }
    const { winner, margin } = bestOf(npv);
    const { apply: _apply, ...described } = variation;
    runs.push({ variation: described, npv, winner, margin, flips: winner !== baselineWinner, resolved });
  }
  return { baselineWinner, runs, robust: runs.every((r) => !r.flips), solves };
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

// ---- variations: pure edits of a scenario ----

function edit(scenario: Scenario, change: (copy: Scenario) => void): Scenario {
  const copy = structuredClone(scenario);
  change(copy);
  return copy;
}

/** Sets the rate of the duties with the given ids (absent ids are ignored). */
export function withDutyRate(dutyIds: string[], rate: number): (s: Scenario) => Scenario {
  return (s) =>
    edit(s, (copy) => {
      for (const duty of copy.duties) if (dutyIds.includes(duty.id)) duty.rate = rate;
    });
}

/** Multiplies the demand of a program in the given markets: rows of one market only (rows split by `shares` stay). */
export function withDemandScaled(
  program: string,
  markets: string[],
  factor: number,
): (s: Scenario) => Scenario {
  return (s) =>
    edit(s, (copy) => {
      const rows = copy.demand.filter((d) => d.program === program);
      for (const row of rows) {
        const covers = row.market !== undefined ? markets.includes(row.market) : false;
        if (!covers) continue;
        row.volume = scaleVolume(row.volume, factor);
      }
    });
}

function scaleVolume(volume: Scenario["demand"][number]["volume"], factor: number) {
  if ("from" in volume && typeof volume.from === "number") {
    const spec = volume as { from: number; volume: number; growth: number; to?: number };
    return { ...spec, volume: spec.volume * factor };
  }
  const byYear = volume as Record<string, number>;
  return Object.fromEntries(Object.entries(byYear).map(([year, v]) => [year, v * factor]));
}

/** Multiplies a plant's one-off opening cost (reopen or build); plants absent from the scenario are ignored. */
export function withOpenCostScaled(plantId: string, factor: number): (s: Scenario) => Scenario {
  return (s) =>
    edit(s, (copy) => {
      const plant = copy.plants.find((p) => p.id === plantId);
      if (plant?.openCost !== undefined) plant.openCost *= factor;
    });
}

export function withDiscountRate(rate: number): (s: Scenario) => Scenario {
  return (s) =>
    edit(s, (copy) => {
      copy.discountRate = rate;
    });
}

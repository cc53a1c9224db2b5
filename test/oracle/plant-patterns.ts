import type { Scenario } from "../../src/domain/scenario.js";
import type { OracleData } from "./economics.js";

/** One way a plant can operate over the horizon, with the one-off costs of its openings and closings. */
export interface PlantPattern {
  /** operating in each year (by index) */
  operating: boolean[];
  /** discounted opening and closing costs, less the openings' discounted salvage */
  eventCost: number;
  /** undiscounted opening payments by year index (budget caps count them) */
  openings: number[];
}

/**
 * Every operating pattern of plant s that its dynamics and policies allow:
 * - it operates only in operable years (not closed, not before an idle/candidate plant's earliest year);
 * - it was operating before the horizon exactly when it is active;
 * - without `canClose` it never goes from operating to not operating (an active plant stays open, an opened
 *   idle or candidate plant stays open); an active plant that closes stays closed (only idle and candidate
 *   plants have an opening cost, so only they may open);
 * - it operates where a keep-open policy or an allocated program in its life (`mustOperate`) needs it.
 * Opening (from not operating) costs `openCost`, closing costs `closeCost`.
 */
export function plantPatterns(
  scenario: Scenario,
  data: OracleData,
  s: number,
  mustOperate: boolean[],
): PlantPattern[] {
  const plant = scenario.plants[s]!;
  const T = data.years.length;
  const required = mustOperate.slice();
  for (const policy of scenario.policies) {
    if (policy.kind !== "keep-open" || policy.plant !== plant.id) continue;
    data.years.forEach((year, t) => {
      if (
        (policy.from === undefined || year >= policy.from) &&
        (policy.to === undefined || year <= policy.to)
      ) {
        required[t] = true;
      }
    });
  }

  const patterns: PlantPattern[] = [];
  for (let mask = 0; mask < 1 << T; mask++) {
    const operating = data.years.map((_, t) => (mask & (1 << t)) !== 0);
    if (operating.some((on, t) => (on && !data.operable[s]![t]) || (!on && required[t]))) continue;
    let previous = plant.status === "active";
    let eventCost = 0;
    let valid = true;
    const openings = operating.map(() => 0);
    operating.forEach((on, t) => {
      if (on && !previous) {
        if (plant.status === "active") valid = false;
        // the opening cost is paid by its phasing, from some years before (never before the horizon)
        let cost = 0;
        for (const [offset, share] of Object.entries(plant.openCostPhasing ?? { "0": 1 })) {
          const paid = Math.max(0, t + Number(offset));
          const amount = share * (plant.openCost ?? 0) * data.plantFx[s]![paid]!;
          openings[paid]! += amount;
          eventCost += data.discount[paid]! * amount;
          cost += amount;
        }
        eventCost -= cost * data.openingSalvage(t);
      } else if (!on && previous) {
        if (!plant.canClose) valid = false;
        eventCost += data.discount[t]! * plant.closeCost * data.plantFx[s]![t]!;
      }
      previous = on;
    });
    if (valid) patterns.push({ operating, eventCost, openings });
  }
  return patterns;
}

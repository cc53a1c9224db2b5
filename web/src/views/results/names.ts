import type { Plan } from "../../api/types.js";

/** Display names of a plan's ids, falling back to the id itself. */
export function namer(plan: Plan) {
  const names = plan.names;
  return {
    plant: (id: string) => names?.plants[id] ?? id,
    program: (id: string) => names?.programs[id] ?? id,
    market: (id: string) => names?.markets[id] ?? id,
  };
}

export type Namer = ReturnType<typeof namer>;

export function years(plan: Plan): number[] {
  const { start, end } = plan.scenario.horizon;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

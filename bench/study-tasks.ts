import type { LoadedStudy } from "../src/domain/study-spec.js";
import type { StudyTask } from "../src/study/contract.js";
import { assignmentsOf } from "../src/study/run.js";
import { monteCarloSampler } from "../src/study/sampling.js";

/**
 * The study's Monte Carlo draws (Latin hypercube of `samples` points) as tasks, every option at every sample, in
 * sample order — what the benches of studies solve (bench/study.ts, bench/formulation.ts, scripts/bench-queue.ts).
 */
export function monteCarloTasks(loaded: LoadedStudy, samples: number): StudyTask[] {
  const draw = monteCarloSampler(loaded.spec, samples, true);
  const byId = new Map(loaded.spec.parameters.map((p) => [p.id, p]));
  return Array.from({ length: samples }, (_, sample) => {
    const assignments = assignmentsOf(draw(sample), byId);
    return loaded.spec.options.map((o) => ({ sample, option: o.id, assignments }));
  }).flat();
}

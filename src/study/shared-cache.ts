import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Studies } from "../store/studies.js";
import type { PreparedStudy, StudyTask, TaskResult } from "./contract.js";
import { canonicalJson, scenarioHash } from "./execute.js";

/**
 * The result cache `portello worker` processes share through PostgreSQL: a task identical in content to one
 * solved before — the same option scenario, the same draw, the same solver settings, by any study on any
 * worker — is answered from the table study_solve_cache instead of being solved again (a study run again, two
 * studies with common tasks, repeated draws). Results stay exactly once per study: the cache only supplies what
 * the worker then stores as the task's result, keyed by (study, sample, option) as always.
 *
 * The key is a SHA-256 of (portello's version, the option's resolved scenario, the task's assignments in order,
 * the study's solver settings); each option's scenario is hashed once (`scenarioHash`, src/study/execute.ts).
 * The version is in the key because a result is the model's answer: another release may answer differently. A
 * result with status error or cancelled is never kept (the machine's trouble, not the task's).
 */

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export class SharedResultCache {
  constructor(private readonly studies: Studies) {}

  /** The task's result as solved before (with this task's sample and option), or undefined. */
  async find(study: PreparedStudy, task: StudyTask): Promise<TaskResult | undefined> {
    const started = performance.now();
    const known = await this.studies.cachedSolve(this.keyOf(study, task));
    if (!known) return undefined;
    return {
      ...known,
      sample: task.sample,
      option: task.option,
      seconds: (performance.now() - started) / 1000,
    };
  }

  async remember(study: PreparedStudy, task: StudyTask, result: TaskResult): Promise<void> {
    if (result.status === "error" || result.status === "cancelled") return;
    await this.studies.cacheSolve(this.keyOf(study, task), result);
  }

  keyOf(study: PreparedStudy, task: StudyTask): string {
    return createHash("sha256")
      .update(
        canonicalJson({
          version: VERSION,
          scenario: optionHash(study, task.option),
          assignments: task.assignments,
          solver: study.solver,
        }),
      )
      .digest("hex");
  }
}

function optionHash(study: PreparedStudy, option: string): string | null {
  const scenario = study.options.find((o) => o.id === option)?.scenario;
  return scenario ? scenarioHash(scenario) : null;
}

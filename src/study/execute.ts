import { createHash } from "node:crypto";
import { z } from "zod";
import { type ValidationIssue, formatIssue } from "../domain/issues.js";
import { Scenario } from "../domain/scenario.js";
import { assignAt, type NumberChange, ScenarioPathError } from "../domain/scenario-path.js";
import { issuesFromZod } from "../domain/zod-issues.js";
import { solveScenario } from "../plan/solve.js";
import type { Plan } from "../plan/types.js";
import type { SolverAdapter } from "../solver/types.js";
import type { PreparedStudy, StudyTask, TaskExecutor, TaskResult } from "./contract.js";

/**
 * Executing one study task: the option's scenario with the task's assignments applied (paths: see
 * src/domain/scenario-path.ts), checked against the scenario schema again (a draw may leave it: a negative
 * volume, a rate above 1), solved without explanations and summarised into a TaskResult. Both engines call
 * this; nothing here depends on which thread or process runs it, so a task gives the same result anywhere.
 */

/**
 * The plan of every this-many-th sample (0, 20, 40, …) is checked against the scenario (src/plan/invariants.ts)
 * and a plan that fails its checks becomes an error naming them. The checks re-read the scenario with their own
 * code to catch a wrong model, not a wrong draw; on the Alfa options they cost ~2 ms of a ~25 ms task, so a
 * study spot-checks 5 % of its samples (every option of each), chosen by sample number so that the same spec
 * checks the same tasks on any number of workers.
 */
export const INVARIANT_CHECK_EVERY = 20;

export interface ExecutorOptions {
  /** identical solves (same solveKey) run once */
  cache?: ResultCache;
  /** default: HiGHS in this thread */
  solver?: SolverAdapter;
}

/** Results by solveKey. The in-memory one below; an engine may keep its own (e.g. in a database). */
export interface ResultCache {
  get(solveKey: string): TaskResult | undefined | Promise<TaskResult | undefined>;
  set(solveKey: string, result: TaskResult): void | Promise<void>;
}

/** A bounded in-memory cache (oldest entries go first). */
export class MemoryResultCache implements ResultCache {
  private readonly entries = new Map<string, TaskResult>();
  hits = 0;

  constructor(private readonly capacity = 20_000) {}

  get(solveKey: string): TaskResult | undefined {
    const found = this.entries.get(solveKey);
    if (found) this.hits++;
    return found;
  }

  set(solveKey: string, result: TaskResult): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(solveKey, result);
  }
}

export function createTaskExecutor(options: ExecutorOptions = {}): TaskExecutor {
  return async (study, task, control = {}) => {
    const { shouldStop } = control;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const option = study.options.find((o) => o.id === task.option);
    if (!option) return failedTask(task, `the study has no option '${task.option}'`, seconds());
    const applied = applyAssignments(option.scenario, task);
    if ("error" in applied) return failedTask(task, applied.error, seconds());
    const solveKey = solveKeyOf(option.scenario, applied.changes, study.solver);
    const known = await options.cache?.get(solveKey);
    if (known) return { ...known, sample: task.sample, option: task.option, seconds: seconds() };
    const plan = await solveScenario(applied.scenario, {
      explain: false,
      invariants: task.sample % INVARIANT_CHECK_EVERY === 0,
      ...(shouldStop ? { shouldStop } : {}),
      ...(options.solver ? { solver: options.solver } : {}),
      ...(study.solver.mipRelGap !== undefined ? { mipRelGap: study.solver.mipRelGap } : {}),
      ...(study.solver.timeLimitSeconds !== undefined
        ? { timeLimitSeconds: study.solver.timeLimitSeconds }
        : {}),
    });
    const result = summarisePlan(task, plan, solveKey, seconds());
    // errors may be the machine's (memory), not the scenario's: do not remember them
    if (result.status !== "error" && result.status !== "cancelled")
      await options.cache?.set(solveKey, result);
    return result;
  };
}

/** The executor with an in-memory cache per thread: what the engines use unless told otherwise. */
export const executeTask: TaskExecutor = createTaskExecutor({ cache: new MemoryResultCache() });

/**
 * The option's scenario under the task's assignments, validated; or the problem in words. The draw copies only
 * the objects on the way to the numbers it changes: the rest, in the result too, is shared with `base`, which
 * stays as it was (nothing downstream changes a scenario). `changes` lists every number whose value differs from
 * `base`'s.
 */
export function applyAssignments(
  base: Scenario,
  task: Pick<StudyTask, "assignments">,
): { scenario: Scenario; changes: NumberChange[] } | { error: string } {
  if (task.assignments.length === 0) return { scenario: base, changes: [] };
  const copied = new WeakSet<object>();
  const data: Record<string, unknown> = { ...base };
  copied.add(data);
  // per slot, its value in `base` (the first assignment's before) and the last assignment's after
  const touched = new Map<string, NumberChange>();
  for (const assignment of task.assignments) {
    try {
      for (const change of assignAt(data, assignment.path, assignment.mode, assignment.value, copied)) {
        const first = touched.get(change.position);
        touched.set(change.position, first ? { ...first, after: change.after } : change);
      }
    } catch (error) {
      if (error instanceof ScenarioPathError) return { error: error.message };
      throw error;
    }
  }
  const changes = [...touched.values()]
    .filter((c) => !Object.is(c.before, c.after))
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const drawn = parseDrawn(base, data, changes);
  if (drawn) return { scenario: drawn, changes };
  // the draw left the schema somewhere: the whole scenario parsed again, for issues that say where
  const parsed = Scenario.safeParse(data, { reportInput: true });
  if (parsed.success) return { scenario: parsed.data, changes };
  const issues: ValidationIssue[] = issuesFromZod(parsed.error, {
    schema: Scenario,
    data,
    locate: () => ({ file: `scenario ${base.id} after the draw` }),
  });
  const draw = task.assignments.map((a) => `${a.path} ${a.mode === "set" ? "=" : "×"} ${a.value}`).join("; ");
  return { error: `${issues.map(formatIssue).join("; ")} (draw: ${draw})` };
}

/**
 * The drawn scenario, parsed only where the draw changed it: each list entry holding a changed number (a plant,
 * a duty row) by the list's entry schema, any other top-level field whole; everything else is `base`'s, parsed
 * already. The same result as parsing the whole scenario, because the scenario schema has no rule across fields
 * or entries (cross-references are checked apart, and a draw changes numbers, not ids). With the copy on write
 * and the key below, a draw on the Alfa options costs 0.3–0.5 ms instead of 1.5–2.7 (bench/study.ts).
 * Undefined when a part fails its schema.
 */
function parseDrawn(
  base: Scenario,
  data: Record<string, unknown>,
  changes: readonly NumberChange[],
): Scenario | undefined {
  const entries = new Map<string, Set<number>>();
  const fields = new Set<string>();
  for (const { position } of changes) {
    const [, field, index] = position.split(".") as [string, string, string | undefined];
    if (index !== undefined && listEntrySchema(field)) {
      const set = entries.get(field) ?? new Set<number>();
      set.add(Number(index));
      entries.set(field, set);
    } else fields.add(field);
  }
  const result: Record<string, unknown> = { ...base };
  const shape = Scenario.shape as Record<string, z.ZodType>;
  for (const field of fields) {
    const parsed = shape[field]!.safeParse(data[field]);
    if (!parsed.success) return undefined;
    result[field] = parsed.data;
  }
  for (const [field, indices] of entries) {
    const schema = listEntrySchema(field)!;
    const list = [...(result[field] as unknown[])];
    for (const i of indices) {
      const parsed = schema.safeParse((data[field] as unknown[])[i]);
      if (!parsed.success) return undefined;
      list[i] = parsed.data;
    }
    result[field] = list;
  }
  return result as Scenario;
}

/** The entry schema of a top-level list field of the scenario (plants, duties…), or undefined. */
function listEntrySchema(field: string): z.ZodType | undefined {
  let schema = (Scenario.shape as Record<string, z.ZodType>)[field];
  if (schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
  return schema instanceof z.ZodArray ? (schema.element as z.ZodType) : undefined;
}

/**
 * Content hash of what decides a solve: the option's scenario, the numbers the draw changed in it, and the
 * solver settings. Equal scenarios after the draw have equal keys (a draw that changes nothing, or two draws
 * that reach the same numbers, share one solve); the option's own scenario is hashed once (~0.3 ms for the
 * Alfa options, which a key of the whole drawn scenario spent on every task).
 */
export function solveKeyOf(
  base: Scenario,
  changes: readonly NumberChange[],
  solver: PreparedStudy["solver"],
): string {
  const drawn = changes.map((c) => [c.position, c.after]);
  return createHash("sha256")
    .update(JSON.stringify({ scenario: scenarioHash(base), drawn, solver }))
    .digest("hex")
    .slice(0, 32);
}

const scenarioHashes = new WeakMap<Scenario, string>();

/**
 * The scenario's content hash (of its canonical JSON, so equal content has equal hashes whichever process built
 * it), once per scenario object: an option's scenario is never changed in place. Both result caches key on it.
 */
export function scenarioHash(scenario: Scenario): string {
  let hash = scenarioHashes.get(scenario);
  if (hash === undefined) {
    hash = createHash("sha256").update(canonicalJson(scenario)).digest("hex");
    scenarioHashes.set(scenario, hash);
  }
  return hash;
}

/** JSON with object keys sorted, so equal content gives equal text whatever the order it was built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * What a study keeps of a plan. Decisions are words keyed by what was decided:
 * `allocation:<program>` → the plants building it ("belvidere+cassino"), `open:<plant>` / `close:<plant>` → the
 * year, `platform:<plant>:<platform>` → the year of the conversion, `shifts:<plant>` → the most shifts it runs.
 */
export function summarisePlan(task: StudyTask, plan: Plan, solveKey: string, seconds: number): TaskResult {
  const bound = plan.solver.npvAtMost;
  const hasPlan = Number.isFinite(plan.npv) && (plan.status === "optimal" || plan.status === "time-limit");
  const decisions: Record<string, string> = {};
  if (hasPlan) {
    const plantsOf = new Map<string, string[]>();
    for (const a of plan.allocations) plantsOf.set(a.program, [...(plantsOf.get(a.program) ?? []), a.plant]);
    for (const [program, plants] of plantsOf) decisions[`allocation:${program}`] = plants.sort().join("+");
    for (const e of plan.plantEvents) {
      const key =
        e.event === "platform"
          ? `platform:${e.plant}:${e.platform}`
          : `${e.event === "close" ? "close" : "open"}:${e.plant}`;
      decisions[key] = String(e.year);
    }
    const shifts = new Map<string, number>();
    for (const py of plan.plantYears) shifts.set(py.plant, Math.max(shifts.get(py.plant) ?? 0, py.shifts));
    for (const [plant, most] of shifts) if (most > 0) decisions[`shifts:${plant}`] = String(most);
  }
  const sorted = Object.fromEntries(Object.entries(decisions).sort(([a], [b]) => (a < b ? -1 : 1)));
  const result: TaskResult = {
    sample: task.sample,
    option: task.option,
    status: plan.status,
    npv: hasPlan ? plan.npv : null,
    bound: bound !== undefined && Number.isFinite(bound) ? bound : null,
    gap: plan.solver.gap !== undefined && Number.isFinite(plan.solver.gap) ? plan.solver.gap : null,
    decisions: sorted,
    served: hasPlan ? plan.flows.reduce((sum, f) => sum + f.volume, 0) : 0,
    unmet: hasPlan ? plan.unmet.reduce((sum, u) => sum + u.volume, 0) : 0,
    seconds,
    solveKey,
  };
  if (plan.status === "infeasible" && plan.infeasibility) result.message = plan.infeasibility.summary;
  const failed = plan.invariants.filter((check) => !check.ok);
  if (hasPlan && failed.length > 0) {
    // a plan that breaks the scenario's own rules is no answer: the task is an error, and says which rule
    result.status = "error";
    result.npv = null;
    result.message = `the plan fails its checks: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}`;
  }
  return result;
}

/** A task that could not be solved, and why. */
export function failedTask(task: StudyTask, message: string, seconds = 0, solveKey = ""): TaskResult {
  return {
    sample: task.sample,
    option: task.option,
    status: "error",
    npv: null,
    bound: null,
    gap: null,
    decisions: {},
    served: 0,
    unmet: 0,
    seconds,
    solveKey,
    message,
  };
}

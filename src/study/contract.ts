import { z } from "zod";
import { Id, Scenario } from "../domain/scenario.js";

/**
 * The contract between an uncertainty study and the engines that execute it (an in-process pool of worker threads,
 * or BullMQ on Redis with `portello worker` processes). Everything here is data — serialisable, never a closure —
 * so that any worker process on any machine can execute any task and give the same result.
 *
 * A study prepares its options once (validated, fully resolved scenarios: no `extends` left), then emits tasks:
 * one per (sample, option). A task says which values of the option's scenario change, by path; executing it
 * applies them, solves, and summarises the plan. Results are keyed by (study, sample, option): an engine delivers
 * each key's result exactly once, whatever the number or order of workers, retries or restarts.
 */

/** One scenario value changed by a draw: `set` replaces the number at `path`, `scale` multiplies it. */
export const Assignment = z.strictObject({
  /** a path into the scenario, e.g. "plants[id=belvidere].reopenCost" or "demand[program=giulia,market=us].volumes.*" */
  path: z.string().min(1),
  mode: z.enum(["set", "scale"]),
  value: z.number(),
});
export type Assignment = z.infer<typeof Assignment>;

/** A study's options and solver settings, prepared once and shared by every task (and every worker). */
export const PreparedStudy = z.strictObject({
  id: z.string().min(1),
  options: z
    .array(
      z.strictObject({
        id: Id,
        /** e.g. "Reopen Belvidere" */
        label: z.string(),
        /** the answer this option gives to the study's question, e.g. "yes" */
        answer: z.string().optional(),
        scenario: Scenario,
      }),
    )
    .min(1),
  solver: z.strictObject({
    mipRelGap: z.number().nonnegative().optional(),
    timeLimitSeconds: z.number().positive().optional(),
  }),
});
export type PreparedStudy = z.infer<typeof PreparedStudy>;

/** Solve one option under one draw. */
export const StudyTask = z.strictObject({
  sample: z.number().int().nonnegative(),
  option: Id,
  assignments: z.array(Assignment),
});
export type StudyTask = z.infer<typeof StudyTask>;

/** What a study keeps of one solve: enough for distributions, regret and decision frequencies. */
export const TaskResult = z.strictObject({
  sample: z.number().int().nonnegative(),
  option: Id,
  status: z.enum(["optimal", "time-limit", "infeasible", "unbounded", "error", "cancelled"]),
  /** NPV of the plan in the study's currency; null when no feasible plan was found */
  npv: z.number().nullable(),
  /** proven bound on the NPV and the relative gap, when the solver gives them */
  bound: z.number().nullable(),
  gap: z.number().nullable(),
  /** the plan's strategic decisions in words, e.g. {"allocation:giulia-next": "cassino", "open:belvidere": "2029"} */
  decisions: z.record(z.string(), z.string()),
  served: z.number().nonnegative(),
  unmet: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
  /** content hash of (scenario after the assignments, solver settings): identical solves share it */
  solveKey: z.string(),
  /** present when status is "error": what went wrong, in words */
  message: z.string().optional(),
});
export type TaskResult = z.infer<typeof TaskResult>;

/**
 * Applies a task to its prepared study and solves it; both engines call the same function. `shouldStop` is
 * polled during the solve (the study was cancelled): a stopped task's result has status "cancelled" and is
 * never stored nor delivered.
 */
export type TaskExecutor = (
  study: PreparedStudy,
  task: StudyTask,
  control?: { shouldStop?: () => boolean },
) => Promise<TaskResult>;

export interface EngineProgress {
  done: number;
  total: number;
}

/** What an engine reports to the study that runs it. */
export interface StudyHandlers {
  onResult: (result: TaskResult) => void | Promise<void>;
  onProgress?: (progress: EngineProgress) => void;
  signal?: AbortSignal;
}

/**
 * Executes a study's tasks. `onResult` is called once per task key (never twice, even after a retry); `run`
 * resolves when every task has a result, or rejects with an AbortError when `signal` aborts (no further results
 * are delivered after that and the engine's jobs for this study are removed).
 */
export interface StudyEngine {
  readonly name: string;
  run(study: PreparedStudy, tasks: readonly StudyTask[], handlers: StudyHandlers): Promise<void>;
  close(): Promise<void>;
}

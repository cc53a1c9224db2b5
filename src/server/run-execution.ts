import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { stopWorker } from "../solver/worker-thread.js";
import { type ProgressEntry, type RunOutcome, type Store, StoreError } from "../store/types.js";
import type { RunWorkerInput, RunWorkerMessage } from "./run-worker.js";

/** Progress is written in batches at most this often: solvers report many times a second. */
const FLUSH_MS = 200;

export interface RunExecutionHooks {
  /** each progress entry once it is stored */
  onStored?: (entry: ProgressEntry) => void;
  /** the outcome was recorded (by this execution: the store keeps the first) */
  onEnd?: () => Promise<void>;
}

/**
 * One run being executed here: its solve in a worker thread, its progress log written in batches and its outcome
 * recorded once. The server's RunManager uses it for runs in its own threads; `portello worker` for runs taken
 * from the queue — the same rows in the store either way.
 */
export class RunExecution {
  private worker?: Worker;
  private readonly buffer: Omit<ProgressEntry, "seq" | "at">[] = [];
  private flushTimer?: NodeJS.Timeout;
  /** writes of this run, chained so the log keeps its order */
  private writes: Promise<unknown> = Promise.resolve();
  private settledFlag = false;

  constructor(
    private readonly store: Store,
    readonly runId: string,
    private readonly hooks: RunExecutionHooks = {},
  ) {}

  get settled(): boolean {
    return this.settledFlag;
  }

  /** Appends a line to the run's log (in the next batch); nothing once the outcome is known. */
  log(kind: string, data: Record<string, unknown>): void {
    if (this.settledFlag) return;
    this.buffer.push({ kind, data });
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Solves in a fresh thread (HiGHS's memory never shrinks); resolves once the outcome is recorded. */
  async solve(input: RunWorkerInput): Promise<void> {
    if (this.settledFlag) return;
    const started = performance.now();
    const worker = new Worker(workerEntry(), { workerData: input });
    this.worker = worker;
    await new Promise<void>((resolve) => {
      worker.on("message", (message: RunWorkerMessage) => {
        if (message.type === "progress") this.log("progress", message.data);
        else if (message.type === "done") {
          const timings = { solve: message.seconds, total: (performance.now() - started) / 1000 };
          // an infeasible scenario is an answer; a solver error is not, though its plan is kept for inspection
          const broken = (message.plan as { status?: string } | null)?.status === "error";
          const outcome: RunOutcome = broken
            ? { status: "failed", plan: message.plan, timings, failureReason: "the solver reported an error" }
            : { status: "succeeded", plan: message.plan, timings };
          this.settle(outcome).finally(resolve);
        } else this.settle({ status: "failed", failureReason: message.message }).finally(resolve);
      });
      worker.on("error", (error) => {
        this.settle({ status: "failed", failureReason: `the solver crashed: ${reasonOf(error)}` }).finally(
          resolve,
        );
      });
      worker.on("exit", (code) => {
        const reason = `the solver stopped unexpectedly (exit code ${code})`;
        this.settle({ status: "failed", failureReason: reason }).finally(resolve);
      });
      // settled meanwhile (cancelled, or abandoned): the exit of the stopped thread ends the wait
      if (this.settledFlag) void stopWorker(worker).finally(resolve);
    });
    // the outcome is recorded: its exit on terminate is no news (and must not reach a store being closed)
    worker.removeAllListeners("exit");
    await stopWorker(worker);
  }

  /**
   * Records the outcome once: the first of done, error, exit, cancel or shutdown wins; the status line is the
   * log's last (a finished run's log never grows).
   */
  async settle(outcome: RunOutcome): Promise<void> {
    if (this.settledFlag) return this.writes.then(() => undefined);
    const detail = outcome.failureReason ? { failureReason: outcome.failureReason } : {};
    this.log("status", { status: outcome.status, ...detail });
    this.settledFlag = true;
    const done = this.flush().then(async () => {
      if (await this.store.finishRun(this.runId, outcome)) await this.hooks.onEnd?.();
    });
    this.writes = done.catch(() => {});
    await done;
  }

  /** Stops the solve's thread (after `settle`, or when the store already has the outcome). */
  async stop(): Promise<void> {
    await stopWorker(this.worker);
  }

  /** The store already has the outcome (cancelled elsewhere): stop solving, write nothing more. */
  async abandon(): Promise<void> {
    this.settledFlag = true;
    clearTimeout(this.flushTimer);
    await this.stop();
  }

  private flush(): Promise<unknown> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.buffer.splice(0);
    this.writes = this.writes.then(async () => {
      if (batch.length === 0) return;
      try {
        const stored = await this.store.appendProgress(this.runId, batch);
        for (const entry of stored) this.hooks.onStored?.(entry);
      } catch (error) {
        // finished elsewhere (cancelled through another server): its log is closed and this solve is stopped soon
        if (error instanceof StoreError && error.kind === "conflict") return;
        // a lost progress line must not lose the run's outcome
        console.error(`portello: could not record progress of run ${this.runId}: ${reasonOf(error)}`);
      }
    });
    return this.writes;
  }
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker's entry: compiled JavaScript next to this module in dist/; from source (tsx, vitest) a tiny
 * bootstrap that registers tsx's loader inside the thread first, since Node 20 does not apply a parent's
 * loader hooks to a worker's entry file.
 */
function workerEntry(): URL {
  const js = new URL("./run-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return js;
  const tsxDir = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsxDir, "dist/esm/api/index.mjs")).href;
  const source = new URL("./run-worker.ts", import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

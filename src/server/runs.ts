import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ResolvedScenario } from "../domain/load.js";
import {
  FINISHED_STATUSES,
  type ProgressEntry,
  type Run,
  type RunOutcome,
  type Store,
} from "../store/types.js";
import { stopWorker } from "../solver/worker-thread.js";
import type { RunWorkerInput, RunWorkerMessage } from "./run-worker.js";
import type { RunOptions } from "./schemas.js";

/** What subscribers of a run hear: each progress entry once it is stored, then the end. */
export type RunEvent = { type: "progress"; entry: ProgressEntry } | { type: "end"; run: Run };
type Listener = (event: RunEvent) => void;

export const RESTART_REASON = "server restarted during the run";
export const SHUTDOWN_REASON = "server stopped during the run";
export const LEASE_EXPIRED_REASON =
  "the server running it stopped answering (its lease expired): start the run again";

/**
 * Several servers may share one PostgreSQL: each run belongs to the server that executes it, which renews a
 * lease on it every third of the lease. Only a run whose lease ran out (its server died) is failed by another.
 */
export const DEFAULT_LEASE_SECONDS = 30;

export interface Lease {
  /** this server instance, unique across the servers sharing a database */
  owner: string;
  seconds: number;
}

/** Progress is written in batches at most this often: solvers report many times a second. */
const FLUSH_MS = 200;

interface Active {
  worker?: Worker;
  buffer: Omit<ProgressEntry, "seq" | "at">[];
  flushTimer?: NodeJS.Timeout;
  /** writes of this run, chained so the log keeps its order */
  writes: Promise<unknown>;
  settled: boolean;
}

/**
 * Executes runs in worker threads, a few at a time, and records everything in the store: a run survives its
 * client going away, can be cancelled (the worker is terminated) and reports progress to any subscriber.
 */
export class RunManager {
  private readonly queue: { runId: string; input: RunWorkerInput }[] = [];
  private readonly active = new Map<string, Active>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private running = 0;
  private leaseTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly maxConcurrent = Math.max(1, availableParallelism() - 1),
    /** without one, runs carry no lease (a store only this process uses) */
    private readonly lease?: Lease,
  ) {}

  /**
   * Every third of the lease: renews this server's leases, stops a run that another server cancelled, and fails
   * the runs of servers whose lease ran out. `onReclaimed` hears the ids of those.
   */
  keepLeases(onReclaimed: (runIds: string[]) => void = () => {}): void {
    const lease = this.lease;
    if (!lease || this.leaseTimer) return;
    this.leaseTimer = setInterval(
      () => {
        void (async () => {
          // only runs that were ours before the renewal: a run started meanwhile is not in its answer
          const ours = [...this.active.keys()];
          const alive = new Set(await this.store.renewRunLeases(lease.owner, lease.seconds));
          // finished in the store but alive here: cancelled through another server
          for (const runId of ours) if (!alive.has(runId)) await this.stopFinishedElsewhere(runId);
          const reclaimed = await this.store.markInterruptedRuns(LEASE_EXPIRED_REASON, true);
          for (const runId of reclaimed) await this.emitEnd(runId);
          if (reclaimed.length > 0) onReclaimed(reclaimed);
        })().catch((error) => console.error(`portello: could not renew run leases: ${reasonOf(error)}`));
      },
      (lease.seconds * 1000) / 3,
    );
    this.leaseTimer.unref();
  }

  /** Records a queued run of a validated scenario version, with the bases it resolved to, and schedules it. */
  async start(
    scenarioId: string,
    versionNumber: number,
    resolved: ResolvedScenario,
    options: RunOptions,
    rerunOf?: string,
  ): Promise<Run> {
    const run = await this.store.createRun({
      scenarioId,
      versionNumber,
      solver: "highs",
      options,
      bases: resolved.bases,
      ...(rerunOf ? { rerunOf } : {}),
      ...(this.lease ? { lease: this.lease } : {}),
    });
    this.active.set(run.id, { buffer: [], writes: Promise.resolve(), settled: false });
    this.queue.push({ runId: run.id, input: { scenario: resolved.scenario, options } });
    this.log(run.id, "status", { status: "queued" });
    this.pump();
    return run;
  }

  /** Cancels a queued or running run; a finished run is returned unchanged. */
  async cancel(runId: string): Promise<Run> {
    const run = await this.store.getRun(runId);
    if (FINISHED_STATUSES.includes(run.status)) return withoutPlan(run);
    const active = this.active.get(runId);
    const queued = this.queue.findIndex((q) => q.runId === runId);
    if (queued >= 0) this.queue.splice(queued, 1);
    // settle first: the worker's exit must not be mistaken for a crash
    const settled = this.settle(runId, { status: "cancelled" });
    await stopWorker(active?.worker);
    await settled;
    return withoutPlan(await this.store.getRun(runId));
  }

  subscribe(runId: string, listener: Listener): () => void {
    const set = this.listeners.get(runId) ?? new Set();
    set.add(listener);
    this.listeners.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  /** Stops every worker; their runs are recorded as failed, so none is left looking alive. */
  async shutdown(): Promise<void> {
    clearInterval(this.leaseTimer);
    this.queue.length = 0;
    await Promise.all(
      [...this.active.entries()].map(async ([runId, active]) => {
        const settled = this.settle(runId, { status: "failed", failureReason: SHUTDOWN_REASON });
        await stopWorker(active.worker);
        await settled;
      }),
    );
  }

  /** The store already has this run's outcome (another server cancelled it): stop solving, record nothing. */
  private async stopFinishedElsewhere(runId: string): Promise<void> {
    const active = this.active.get(runId);
    if (!active || active.settled) return;
    active.settled = true; // the store has the outcome: nothing more is written for this run
    clearTimeout(active.flushTimer);
    const queued = this.queue.findIndex((q) => q.runId === runId);
    if (queued >= 0) this.queue.splice(queued, 1);
    await stopWorker(active.worker);
    this.active.delete(runId);
    await this.emitEnd(runId);
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.running++;
      this.execute(next.runId, next.input)
        .catch((error) => this.settle(next.runId, { status: "failed", failureReason: reasonOf(error) }))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async execute(runId: string, input: RunWorkerInput): Promise<void> {
    const active = this.active.get(runId);
    if (!active || active.settled) return;
    if (!(await this.store.markRunStarted(runId))) {
      this.active.delete(runId); // cancelled meanwhile (here or through another server)
      return;
    }
    this.log(runId, "status", { status: "running" });
    const started = performance.now();
    const worker = new Worker(workerEntry(), { workerData: input });
    active.worker = worker;
    await new Promise<void>((resolve) => {
      worker.on("message", (message: RunWorkerMessage) => {
        if (message.type === "progress") this.log(runId, "progress", message.data);
        else if (message.type === "done") {
          const timings = { solve: message.seconds, total: (performance.now() - started) / 1000 };
          // an infeasible scenario is an answer; a solver error is not, though its plan is kept for inspection
          const broken = (message.plan as { status?: string } | null)?.status === "error";
          const outcome: RunOutcome = broken
            ? { status: "failed", plan: message.plan, timings, failureReason: "the solver reported an error" }
            : { status: "succeeded", plan: message.plan, timings };
          this.settle(runId, outcome).finally(resolve);
        } else this.settle(runId, { status: "failed", failureReason: message.message }).finally(resolve);
      });
      worker.on("error", (error) => {
        this.settle(runId, {
          status: "failed",
          failureReason: `the solver crashed: ${reasonOf(error)}`,
        }).finally(resolve);
      });
      worker.on("exit", (code) => {
        const reason = `the solver stopped unexpectedly (exit code ${code})`;
        this.settle(runId, { status: "failed", failureReason: reason }).finally(resolve);
      });
    });
    // the outcome is recorded: its exit on terminate is no news (and must not reach a store being closed)
    worker.removeAllListeners("exit");
    await stopWorker(worker);
  }

  /** Records the outcome once: the first of done, error, exit, cancel or shutdown wins. */
  private async settle(runId: string, outcome: RunOutcome): Promise<void> {
    const active = this.active.get(runId);
    if (!active) {
      // not one of ours (or already settled): the store keeps the first outcome
      if (await this.store.finishRun(runId, outcome)) await this.emitEnd(runId);
      return;
    }
    if (active.settled) return active.writes.then(() => undefined);
    const detail = outcome.failureReason ? { failureReason: outcome.failureReason } : {};
    this.log(runId, "status", { status: outcome.status, ...detail });
    active.settled = true; // the outcome is the log's last line: a finished run's log never grows
    const done = this.flush(runId).then(async () => {
      if (await this.store.finishRun(runId, outcome)) await this.emitEnd(runId);
    });
    active.writes = done.catch(() => {});
    await done.finally(() => this.active.delete(runId));
  }

  private log(runId: string, kind: string, data: Record<string, unknown>): void {
    const active = this.active.get(runId);
    if (!active || active.settled) return;
    active.buffer.push({ kind, data });
    active.flushTimer ??= setTimeout(() => void this.flush(runId), FLUSH_MS);
  }

  private flush(runId: string): Promise<unknown> {
    const active = this.active.get(runId);
    if (!active) return Promise.resolve();
    clearTimeout(active.flushTimer);
    active.flushTimer = undefined;
    const batch = active.buffer.splice(0);
    active.writes = active.writes.then(async () => {
      if (batch.length === 0) return;
      try {
        const stored = await this.store.appendProgress(runId, batch);
        for (const entry of stored) this.emit(runId, { type: "progress", entry });
      } catch (error) {
        // a lost progress line must not lose the run's outcome
        console.error(`portello: could not record progress of run ${runId}: ${reasonOf(error)}`);
      }
    });
    return active.writes;
  }

  private async emitEnd(runId: string): Promise<void> {
    this.emit(runId, { type: "end", run: withoutPlan(await this.store.getRun(runId)) });
  }

  private emit(runId: string, event: RunEvent): void {
    for (const listener of this.listeners.get(runId) ?? []) listener(event);
  }
}

/** A run as listed and streamed: the plan, possibly large, is read separately. */
export function withoutPlan(run: Run & { plan?: unknown }): Run {
  const { plan: _plan, ...rest } = run;
  return rest;
}

function reasonOf(error: unknown): string {
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

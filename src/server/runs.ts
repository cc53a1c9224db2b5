import { availableParallelism } from "node:os";
import type { ResolvedScenario } from "../domain/load.js";
import {
  FINISHED_STATUSES,
  type ProgressEntry,
  type Run,
  type RunOutcome,
  type Store,
} from "../store/types.js";
import { RunExecution, reasonOf } from "./run-execution.js";
import type { RunQueue } from "./run-queue.js";
import type { RunWorkerInput } from "./run-worker.js";
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

/**
 * Executes runs in worker threads, a few at a time, and records everything in the store: a run survives its
 * client going away, can be cancelled (the worker is terminated) and reports progress to any subscriber.
 *
 * With a run queue (serve --redis) a run is not executed here: it is recorded as held by the queue (no server's
 * lease) and any `portello worker` executes it, writing the same rows; this server then hears of it through the
 * store, like any other server sharing the database.
 */
export class RunManager {
  private readonly queue: { runId: string; input: RunWorkerInput }[] = [];
  private readonly active = new Map<string, RunExecution>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private running = 0;
  private leaseTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly maxConcurrent = Math.max(1, availableParallelism() - 1),
    /** without one, runs carry no lease (a store only this process uses) */
    private readonly lease?: Lease,
    /** where runs go instead of this process's threads (serve --redis) */
    private readonly runQueue?: RunQueue,
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
    const runQueue = this.runQueue;
    const run = await this.store.createRun({
      scenarioId,
      versionNumber,
      solver: "highs",
      options,
      bases: resolved.bases,
      ...(rerunOf ? { rerunOf } : {}),
      ...(runQueue ? { queue: runQueue.name } : this.lease ? { lease: this.lease } : {}),
    });
    if (runQueue) {
      // the worker resolves the same scenario from the store: the version and the bases recorded with the run
      await this.store.appendProgress(run.id, [{ kind: "status", data: { status: "queued" } }]);
      await runQueue.add(run.id).catch(async (error) => {
        await this.settle(run.id, {
          status: "failed",
          failureReason: `could not be queued: ${reasonOf(error)}`,
        });
      });
      return run;
    }
    this.active.set(run.id, this.execution(run.id));
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
    await active?.stop();
    await settled;
    // a job still waiting goes; the worker holding one sees the run cancelled in the store and stops its solve
    await this.runQueue?.remove(runId);
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

  /** Stops every worker; their runs are recorded as failed, so none is left looking alive. Queued runs stay queued. */
  async shutdown(): Promise<void> {
    clearInterval(this.leaseTimer);
    this.queue.length = 0;
    await Promise.all(
      [...this.active.entries()].map(async ([runId, active]) => {
        const settled = this.settle(runId, { status: "failed", failureReason: SHUTDOWN_REASON });
        await active.stop();
        await settled;
      }),
    );
    await this.runQueue?.close();
  }

  /** The store already has this run's outcome (another server cancelled it): stop solving, record nothing. */
  private async stopFinishedElsewhere(runId: string): Promise<void> {
    const active = this.active.get(runId);
    if (!active || active.settled) return;
    const queued = this.queue.findIndex((q) => q.runId === runId);
    if (queued >= 0) this.queue.splice(queued, 1);
    await active.abandon();
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
    active.log("status", { status: "running" });
    await active.solve(input);
    if (this.active.get(runId) === active) this.active.delete(runId);
  }

  /** Records the outcome once: the first of done, error, exit, cancel or shutdown wins. */
  private async settle(runId: string, outcome: RunOutcome): Promise<void> {
    const active = this.active.get(runId);
    if (!active) {
      // not one of ours (or already settled): the store keeps the first outcome
      if (await this.store.finishRun(runId, outcome)) await this.emitEnd(runId);
      return;
    }
    await active.settle(outcome).finally(() => {
      if (this.active.get(runId) === active) this.active.delete(runId);
    });
  }

  private execution(runId: string): RunExecution {
    return new RunExecution(this.store, runId, {
      onStored: (entry) => this.emit(runId, { type: "progress", entry }),
      onEnd: () => this.emitEnd(runId),
    });
  }

  private log(runId: string, kind: string, data: Record<string, unknown>): void {
    this.active.get(runId)?.log(kind, data);
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

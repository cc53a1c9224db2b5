import { hostname } from "node:os";
import { type Job, Worker } from "bullmq";
import { FINISHED_STATUSES, type RunWithPlan, type Store, StoreError } from "../store/types.js";
import { DEFAULT_LOCK, lockOptions, type LockSettings, redisConnection } from "../study/queue.js";
import { RunExecution, reasonOf } from "./run-execution.js";
import { RunJob, runQueueName } from "./run-queue.js";
import type { RunWorkerInput } from "./run-worker.js";
import { resolveRunScenario } from "./scenario-text.js";
import { RunOptions } from "./schemas.js";

/**
 * The runs' half of `portello worker`: takes run jobs from the runs' queue and executes each exactly as a server
 * does in its own threads (RunExecution: the same progress rows, the same outcome), so that any server reading
 * the store shows it alike.
 *
 * A run held by the queue has no server's lease: the job's BullMQ lock is its lease. A worker killed mid-run
 * stops renewing it; another worker's stalled-job check puts the job back, and that worker solves the run again
 * from the start (the run is still `running` in the store). The store keeps the first outcome only, so the
 * result is stored once. A run cancelled through any server is seen here by polling its status, and its solve
 * stopped.
 */

export interface RunQueueWorkerOptions {
  redisUrl: string;
  store: Store;
  /** the study queue's name: runs come from the queue named after it (runQueueName) */
  queue?: string;
  /** runs executed at once, each in a thread of its own (default 1) */
  concurrency?: number;
  lock?: Partial<LockSettings>;
  name?: string;
  /** how often a run in hand is checked for a cancel (default 1000 ms) */
  pollMs?: number;
}

export interface RunQueueWorker {
  readonly queue: string;
  /** runs whose outcome this worker recorded */
  readonly finished: () => number;
  /** stops the solves in hand without recording them: their jobs go back to the queue for another worker */
  close(): Promise<void>;
}

export async function startRunQueueWorker(options: RunQueueWorkerOptions): Promise<RunQueueWorker> {
  const { store } = options;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const lock = { ...DEFAULT_LOCK, ...options.lock };
  const pollMs = options.pollMs ?? 1000;
  const queue = runQueueName(options.queue);
  const inHand = new Set<RunExecution>();
  let finished = 0;
  let closing = false;

  const processJob = async (job: Job<RunJob>): Promise<string> => {
    const { runId } = RunJob.parse(job.data);
    const run = await store.getRun(runId).catch((error) => {
      if (error instanceof StoreError && error.kind === "not-found") return undefined; // deleted meanwhile
      throw error;
    });
    if (!run || FINISHED_STATUSES.includes(run.status)) return "dropped: the run is not queued or running";
    const execution = new RunExecution(store, runId, { onEnd: async () => void finished++ });
    let input: RunWorkerInput;
    try {
      input = await inputOf(store, run);
    } catch (error) {
      await execution.settle({ status: "failed", failureReason: reasonOf(error) });
      return "failed: its scenario could not be read";
    }
    // a run found running was begun by a worker that died: it is solved again, from the start
    if (run.status === "queued" && !(await store.markRunStarted(runId)))
      return "dropped: cancelled meanwhile";
    execution.log("status", { status: "running" });
    inHand.add(execution);
    let asking = false; // a slow database: one question at a time
    const watch = setInterval(() => {
      if (asking) return;
      asking = true;
      void store
        .getRun(runId)
        .then(async (now) => {
          if (FINISHED_STATUSES.includes(now.status) && !execution.settled) await execution.abandon();
        })
        .catch(() => {}) // the next poll asks again
        .finally(() => {
          asking = false;
        });
    }, pollMs);
    try {
      await execution.solve(input);
    } finally {
      clearInterval(watch);
      inHand.delete(execution);
    }
    // handed back (this worker stops): never answer, so that the job is not completed but stalls, for another worker
    if (closing) return new Promise<never>(() => {});
    return "done";
  };

  const connection = redisConnection(options.redisUrl);
  const worker = new Worker<RunJob, string>(queue, processJob, {
    connection,
    name,
    concurrency: Math.max(1, options.concurrency ?? 1),
    ...lockOptions(lock),
    autorun: false,
  });
  // a job that gave up (its workers died too often, or the store failed) still ends its run, saying why
  worker.on("failed", (job, error) => {
    if (!job) return;
    const runId = String(job.data.runId);
    const failureReason = `the run could not be executed: ${error.message}`;
    void new RunExecution(store, runId).settle({ status: "failed", failureReason }).catch(() => {});
  });
  worker.on("error", (error) => console.error(`portello worker (runs): ${error.message}`));
  void worker.run();
  await worker.waitUntilReady();

  return {
    queue,
    finished: () => finished,
    close: async () => {
      // a run may take hours: rather than wait, hand it back (its job stalls and another worker takes it)
      closing = true;
      await Promise.all([...inHand].map((execution) => execution.abandon()));
      await worker.close(true);
      connection.disconnect();
    },
  };
}

/** The scenario exactly as the server resolved it when the run was started: its version on its recorded bases. */
async function inputOf(store: Store, run: RunWithPlan): Promise<RunWorkerInput> {
  const options = RunOptions.parse(run.options);
  const { resolved, changed } = await resolveRunScenario(store, { ...run, bases: run.bases ?? [] });
  if (changed.length > 0)
    throw new Error(
      `its base ${changed.join(", ")} differs on this worker from the server's: run workers of the same Portello version as the servers`,
    );
  return { scenario: resolved.scenario, options };
}

import { hostname } from "node:os";
import type { Worker as Thread } from "node:worker_threads";
import { type Job, Worker } from "bullmq";
import { startModuleWorker, stopWorker } from "../solver/worker-thread.js";
import type { Studies } from "../store/studies.js";
import { StoreError } from "../store/types.js";
import type { PreparedStudy, StudyTask, TaskResult } from "./contract.js";
import { failedTask } from "./execute.js";
import {
  DEFAULT_LOCK,
  DEFAULT_QUEUE,
  type LockSettings,
  lockOptions,
  redisConnection,
  type StudyJob,
} from "./queue.js";
import { SharedResultCache } from "./shared-cache.js";
import { watchStudyStatus } from "./status-watch.js";
import { STOP_GRACE_MS, StopFlag } from "./stop-flag.js";
import type { FromWorker, ToWorker } from "./thread-worker.js";

/**
 * The body of `portello worker`: takes study jobs from the queue, executes each in a solver thread (so that the
 * event loop renewing the job's lock is never blocked by a solve) and stores the result in PostgreSQL, then
 * acknowledges the job. Prepared studies are read once per study and kept (a few at a time).
 *
 * What a job meets: a study that is no longer queued or running (cancelled, or deleted) — dropped without a
 * solve, or, when that happens during the solve, the solve is stopped and the job dropped; a task that has a
 * result already (executed before a restart) — acknowledged without a solve; a task identical to one solved
 * before, by any study — its result comes from the shared cache (shared-cache.ts), without a solve.
 */

export interface QueueWorkerOptions {
  redisUrl: string;
  studies: Studies;
  /** solver threads, and so jobs executed at once (default 1) */
  concurrency?: number;
  queue?: string;
  lock?: Partial<LockSettings>;
  /** names this worker in the store's result rows and in BullMQ (default host:pid) */
  name?: string;
  /** how often the status of a study whose task is solving is read, to stop the solve on cancel (default 1 s) */
  statusCheckSeconds?: number;
  /** answer tasks solved before (by any study, on any worker) from PostgreSQL (default true; shared-cache.ts) */
  sharedCache?: boolean;
}

export interface QueueWorker {
  readonly name: string;
  /** jobs whose result this worker stored */
  readonly stored: () => number;
  /** waits for the jobs in hand, then stops */
  close(): Promise<void>;
}

/** studies kept per process; an older one is read again if one of its jobs comes back */
const KEPT_STUDIES = 8;

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const lock = { ...DEFAULT_LOCK, ...options.lock };
  const threads = new SolverThreads(Math.max(1, options.concurrency ?? 1));
  const prepared = new Map<string, Promise<PreparedStudy>>();
  const statusCheckMs = (options.statusCheckSeconds ?? 1) * 1000;
  const cache = options.sharedCache === false ? undefined : new SharedResultCache(options.studies);
  let stored = 0;

  const studyOf = (studyId: string): Promise<PreparedStudy> => {
    let found = prepared.get(studyId);
    if (!found) {
      found = options.studies.prepared(studyId).then((p) => p.prepared);
      found.catch(() => prepared.delete(studyId));
      prepared.set(studyId, found);
      if (prepared.size > KEPT_STUDIES) {
        const oldest = prepared.keys().next().value!;
        prepared.delete(oldest);
        threads.forget(oldest);
      }
    }
    return found;
  };

  const processJob = async (job: Job<StudyJob>): Promise<string> => {
    const { studyId, sample, option, assignments } = job.data;
    // a study that is gone is dropped; a read that failed is not an answer: the job is tried again
    const status = await options.studies.status(studyId).catch((error: unknown) => {
      if (error instanceof StoreError && error.kind === "not-found") return undefined;
      throw error;
    });
    if (status !== "queued" && status !== "running") return "dropped: the study is not running";
    if (await options.studies.hasResult(studyId, sample, option)) return "done before";
    const task: StudyTask = { sample, option, assignments };
    const study = await studyOf(studyId);
    const cached = await cache?.find(study, task);
    const result = cached ?? (await solveUnlessStopped(studyId, study, task));
    if (!result) return "dropped: the study stopped during the solve";
    if (!cached) await cache?.remember(study, task, result);
    if (await options.studies.saveResult(studyId, result, name)) stored++;
    return cached ? "stored from the shared cache" : "stored";
  };

  /**
   * Solves the task in a solver thread; a cancel meanwhile stops the solve (or, past the grace, its thread), and
   * nothing is returned.
   */
  const solveUnlessStopped = async (studyId: string, study: PreparedStudy, task: StudyTask) => {
    const stop = new StopFlag();
    const unwatch = watchStudyStatus(options.studies, studyId, statusCheckMs, () => stop.raise());
    try {
      const result = await threads.execute(studyId, study, task, stop);
      return stop.raised ? undefined : result;
    } catch (error) {
      if (stop.raised) return undefined;
      throw error;
    } finally {
      unwatch();
    }
  };

  const connection = redisConnection(options.redisUrl);
  const worker = new Worker<StudyJob, string>(options.queue ?? DEFAULT_QUEUE, processJob, {
    connection,
    name,
    concurrency: threads.size,
    ...lockOptions(lock),
    autorun: false,
  });
  // a job that gave up (its thread died on every attempt, or its workers died too often) still gets a result,
  // so the study can finish and says what went wrong
  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message);
    if (!final) return;
    const { studyId, ...task } = job.data;
    const message = `the task could not be executed: ${error.message}`;
    void options.studies
      .saveResult(studyId, failedTask(task, message), name)
      .catch((saveError: Error) =>
        console.error(`portello worker: could not store the failure of ${job.id}: ${saveError.message}`),
      );
  });
  worker.on("error", (error) => console.error(`portello worker: ${error.message}`));
  void worker.run();
  await worker.waitUntilReady();

  return {
    name,
    stored: () => stored,
    close: async () => {
      await worker.close();
      await threads.close();
      connection.disconnect();
    },
  };
}

/**
 * Solver threads, one task each at a time; a thread keeps the studies it was sent (by a number per study) and
 * its own result cache. A thread that dies mid-task fails that task's attempt (BullMQ retries it) and is replaced.
 */
class SolverThreads {
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly all = new Set<Slot>();
  private readonly numbers = new Map<string, number>();
  private nextNumber = 0;

  constructor(readonly size: number) {}

  async execute(studyId: string, study: PreparedStudy, task: StudyTask, stop: StopFlag): Promise<TaskResult> {
    const slot = await this.acquire();
    let number = this.numbers.get(studyId);
    if (number === undefined) {
      number = ++this.nextNumber;
      this.numbers.set(studyId, number);
    }
    try {
      return await slot.execute(number, study, task, stop);
    } finally {
      if (slot.alive) this.release(slot);
      else {
        this.all.delete(slot);
        this.release(this.start());
      }
    }
  }

  forget(studyId: string): void {
    const number = this.numbers.get(studyId);
    if (number === undefined) return;
    this.numbers.delete(studyId);
    for (const slot of this.all) slot.forget(number);
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((slot) => stopWorker(slot.thread)));
    this.all.clear();
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop() ?? (this.all.size < this.size ? this.start() : undefined);
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private start(): Slot {
    const slot = new Slot(startModuleWorker(new URL("./thread-worker.js", import.meta.url)));
    this.all.add(slot);
    return slot;
  }
}

class Slot {
  alive = true;
  private readonly known = new Set<number>();
  private pending?: { resolve: (result: TaskResult) => void; reject: (error: Error) => void };

  constructor(readonly thread: Thread) {
    thread.on("message", (message: FromWorker) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(message.result);
    });
    thread.on("error", () => {}); // the exit that follows says it
    thread.on("exit", (code) => {
      this.alive = false;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(new Error(`the solver thread stopped (exit code ${code})`));
    });
  }

  execute(number: number, study: PreparedStudy, task: StudyTask, stop: StopFlag): Promise<TaskResult> {
    if (!this.alive) return Promise.reject(new Error("the solver thread stopped"));
    if (!this.known.has(number)) {
      this.thread.postMessage({ type: "study", run: number, study } satisfies ToWorker);
      this.known.add(number);
    }
    // a solve that has not seen the flag within the grace goes with its thread (the exit rejects the task)
    let grace: NodeJS.Timeout | undefined;
    stop.onRaise(() => {
      grace = setTimeout(() => void stopWorker(this.thread), STOP_GRACE_MS);
    });
    return new Promise<TaskResult>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.thread.postMessage({ type: "task", run: number, task, stop: stop.buffer } satisfies ToWorker);
    }).finally(() => clearTimeout(grace));
  }

  forget(number: number): void {
    if (this.known.delete(number))
      this.thread.postMessage({ type: "forget", run: number } satisfies ToWorker);
  }
}

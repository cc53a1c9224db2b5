import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Studies } from "../store/studies.js";
import type { PreparedStudy, StudyEngine, StudyHandlers, StudyTask } from "./contract.js";
import { DEFAULT_QUEUE, JOB_ATTEMPTS, type StudyJob, jobId, redisConnection } from "./queue.js";

/**
 * The distributed engine: BullMQ on Redis for the jobs, PostgreSQL for everything else. `run` stores the
 * prepared study and its tasks once, enqueues a job per task that has no result yet, and follows the results
 * as `portello worker` processes (any number, on any machine) store them. Exactly once comes from the store,
 * not the queue: a result row per (study, sample, option), inserted with ON CONFLICT DO NOTHING — so a job
 * retried after its worker died, or enqueued again after a restart, never yields a second result.
 *
 * A study may call `run` several times (one phase after another: each adds its tasks). Calling it again with
 * tasks that have results (after a restart of the caller) enqueues only what still lacks one and delivers each
 * result once to the new caller. `run` leaves the study's outcome to its caller (Studies.finish).
 */

const ADD_BATCH = 1000;
const READ_BATCH = 10_000;

export interface QueueEngineOptions {
  redisUrl: string;
  /** default "portello-studies"; workers must listen on the same name */
  queue?: string;
  /** how often the store is asked for new results (default 100 ms) */
  pollMs?: number;
  /**
   * after this long without a new result, the jobs of the tasks still without one are added again (default 30 s):
   * a job lost from Redis (its memory lost without persistence, the queue obliterated) comes back, while one that
   * still waits or runs is left as it is (BullMQ keeps one job per id)
   */
  reenqueueSeconds?: number;
}

export class QueueEngine implements StudyEngine {
  readonly name = "bullmq";
  private readonly connection: Redis;
  readonly queue: Queue<StudyJob>;
  private readonly pollMs: number;
  private readonly reenqueueMs: number;
  /** closing the engine stops following its studies, without cancelling them: a later `run` resumes them */
  private readonly closing = new AbortController();

  constructor(
    private readonly studies: Studies,
    options: QueueEngineOptions,
  ) {
    this.connection = redisConnection(options.redisUrl);
    this.queue = new Queue<StudyJob>(options.queue ?? DEFAULT_QUEUE, { connection: this.connection });
    this.pollMs = options.pollMs ?? 100;
    this.reenqueueMs = (options.reenqueueSeconds ?? 30) * 1000;
  }

  async run(study: PreparedStudy, tasks: readonly StudyTask[], handlers: StudyHandlers): Promise<void> {
    handlers.signal?.throwIfAborted();
    await this.studies.create({ prepared: study, tasks });
    await this.studies.markRunning(study.id);
    const have = await this.studies.resultKeys(study.id);
    await this.enqueue(
      study.id,
      tasks.filter((task) => !have.has(taskKey(task))),
    );
    await this.follow(study.id, new Set(tasks.map(taskKey)), handlers);
  }

  /** This engine for a study stored under `studyId`, whatever id its prepared form has (e.g. its spec's id). */
  forStudy(studyId: string): StudyEngine {
    return {
      name: this.name,
      run: (study, tasks, handlers) => this.run({ ...study, id: studyId }, tasks, handlers),
      close: async () => {},
    };
  }

  /** Adds a job for every task of the study without a result (after a restart: what is left); returns how many. */
  async enqueueMissing(studyId: string): Promise<number> {
    const missing = await this.studies.tasks(studyId, { missing: true });
    await this.enqueue(studyId, missing);
    return missing.length;
  }

  private async enqueue(studyId: string, tasks: readonly StudyTask[]): Promise<void> {
    for (let i = 0; i < tasks.length; i += ADD_BATCH) {
      await this.queue.addBulk(
        tasks.slice(i, i + ADD_BATCH).map((task) => ({
          name: "task",
          data: { studyId, ...task },
          opts: {
            jobId: jobId(studyId, task),
            attempts: JOB_ATTEMPTS,
            backoff: { type: "fixed", delay: 1000 },
            // the result is in PostgreSQL: a finished job has nothing more to say
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
    }
  }

  /**
   * Removes the study's jobs that wait in the queue. A job a worker is executing cannot be removed: its result
   * is dropped by the store once the study is no longer queued or running.
   */
  async removeJobs(studyId: string): Promise<void> {
    const tasks = await this.studies.tasks(studyId, { missing: true });
    for (let i = 0; i < tasks.length; i += ADD_BATCH) {
      await Promise.all(
        tasks.slice(i, i + ADD_BATCH).map((task) => this.queue.remove(jobId(studyId, task)).catch(() => 0)),
      );
    }
  }

  /** Delivers the result of each wanted task once, in order of arrival, until every one has arrived. */
  private async follow(studyId: string, wanted: Set<string>, handlers: StudyHandlers): Promise<void> {
    const { signal } = handlers;
    const delivered = new Set<string>();
    let seq = 0;
    let lastArrival = performance.now();
    for (;;) {
      if (signal?.aborted) {
        await this.studies.finish(studyId, { status: "cancelled" });
        await this.removeJobs(studyId);
        throw signal.reason ?? new DOMException("the study was cancelled", "AbortError");
      }
      const batch = await this.studies.resultsAfter(studyId, seq, READ_BATCH);
      let arrived = 0;
      for (const { seq: at, result } of batch) {
        seq = at;
        const key = taskKey(result);
        if (!wanted.has(key) || delivered.has(key)) continue;
        delivered.add(key);
        arrived++;
        await handlers.onResult(result);
      }
      if (arrived > 0) {
        lastArrival = performance.now();
        handlers.onProgress?.({ done: delivered.size, total: wanted.size });
      }
      if (delivered.size >= wanted.size) return;
      if (batch.length === READ_BATCH) continue;
      const status = await this.studies.status(studyId);
      if (status === "cancelled" || status === "failed") {
        await this.removeJobs(studyId);
        throw new DOMException(`the study was ${status} elsewhere`, "AbortError");
      }
      if (performance.now() - lastArrival >= this.reenqueueMs) {
        await this.enqueueMissing(studyId);
        lastArrival = performance.now();
      }
      await sleep(this.pollMs, AbortSignal.any([this.closing.signal, ...(signal ? [signal] : [])]));
      if (this.closing.signal.aborted) throw new Error("the engine was closed while following the study");
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.queue.close();
    this.connection.disconnect();
  }
}

const taskKey = (task: Pick<StudyTask, "sample" | "option">) => `${task.sample}:${task.option}`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { QUEUE_OWNER_PREFIX, type Store } from "../store/types.js";
import { DEFAULT_QUEUE, redisConnection } from "../study/queue.js";

/**
 * What servers and `portello worker` processes agree on for runs (serve --redis). Runs have their own queue next
 * to the studies' one, named after it: an interactive run never waits behind a study's thousands of tasks, and
 * workers give it a thread of its own. A job carries only the run's id; the worker reads the run, its scenario
 * version and the bases it recorded from PostgreSQL.
 */
export const RunJob = z.strictObject({ runId: z.uuid() });
export type RunJob = z.infer<typeof RunJob>;

export const RUN_JOB = "run";

/** The runs' queue of the servers and workers whose study queue is `studyQueue` (BullMQ names exclude ":"). */
export function runQueueName(studyQueue: string = DEFAULT_QUEUE): string {
  return `${studyQueue}-runs`;
}

/** The servers' side: adds a run's job, and removes it while it still waits (a cancelled run). */
export class RunQueue {
  readonly name: string;
  private readonly connection: Redis;
  private readonly queue: Queue<RunJob>;

  constructor(options: { redisUrl: string; studyQueue?: string }) {
    this.name = runQueueName(options.studyQueue);
    this.connection = redisConnection(options.redisUrl);
    this.queue = new Queue<RunJob>(this.name, { connection: this.connection });
  }

  async add(runId: string): Promise<void> {
    await this.queue.add(
      RUN_JOB,
      { runId },
      {
        // adding the same run again adds nothing while its job waits or runs
        jobId: runId,
        // a solve that fails is a failed run, recorded by the worker: only a dead worker's job is tried again
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  /**
   * Adds again the job of every run this queue holds in the store (PostgreSQL, the truth) that Redis no longer
   * has: a Redis flushed or restarted without its append-only file loses them, and their runs would wait for
   * ever. Only unfinished runs: a finished run's job is removed, and adding it again would run it again. Returns
   * the ids re-added. Cheap enough for a server's start, not for a timer: it asks Redis once per unfinished run.
   */
  async requeueLost(store: Pick<Store, "unfinishedRunsOf">): Promise<string[]> {
    const requeued: string[] = [];
    for (const runId of await store.unfinishedRunsOf(`${QUEUE_OWNER_PREFIX}${this.name}`)) {
      // a job still in Redis, whatever its state, is left alone (add would not replace it anyway)
      if (await this.queue.getJob(runId)) continue;
      await this.add(runId);
      requeued.push(runId);
    }
    return requeued;
  }

  async remove(runId: string): Promise<void> {
    // a job a worker holds cannot be removed (it is locked): that worker stops on its own
    await this.queue.remove(runId).catch(() => 0);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

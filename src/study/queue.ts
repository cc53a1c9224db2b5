import { Redis } from "ioredis";
import type { StudyTask } from "./contract.js";

/**
 * What the BullMQ engine and `portello worker` processes agree on: the queue's name, what a job carries and
 * how its id is made. A job carries only its task; the prepared study is read from PostgreSQL by id.
 */
export const DEFAULT_QUEUE = "portello-studies";

export interface StudyJob extends StudyTask {
  studyId: string;
}

/** Deterministic: adding a task's job again while it waits or runs adds nothing (BullMQ keeps one per id). */
export function jobId(studyId: string, task: Pick<StudyTask, "sample" | "option">): string {
  return `${studyId}:${task.sample}:${task.option}`;
}

/**
 * How long a worker's lock on a job lasts without renewal (the worker renews it every half). A worker killed
 * mid-job stops renewing; once the lock has expired, the next stalled-job check by any live worker (every
 * `stalledSeconds`) puts the job back in the queue: a killed worker's job is retried within lock + stalled
 * interval. Solves run in threads, so the event loop that renews the lock is never blocked by a solve.
 */
export interface LockSettings {
  lockSeconds: number;
  stalledSeconds: number;
  /** a job whose worker died this many times is failed, and recorded as an error result */
  maxStalled: number;
}

export const DEFAULT_LOCK: LockSettings = { lockSeconds: 30, stalledSeconds: 15, maxStalled: 3 };

/** A BullMQ worker's options for these settings (the study tasks' workers and the runs' alike). */
export function lockOptions(lock: LockSettings) {
  return {
    lockDuration: lock.lockSeconds * 1000,
    stalledInterval: lock.stalledSeconds * 1000,
    maxStalledCount: lock.maxStalled,
  };
}

/** Job attempts when the task itself throws (a solver thread died): then it is recorded as an error. */
export const JOB_ATTEMPTS = 3;

/** A Redis connection as BullMQ needs it (blocking commands must not time out). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

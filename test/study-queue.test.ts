import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { builtinResolver, parseScenarioText } from "../src/domain/load.js";
import { openPostgresStore } from "../src/store/postgres-store.js";
import type { SqlStore } from "../src/store/sql-store.js";
import { QueueEngine } from "../src/study/bullmq-engine.js";
import type { PreparedStudy, StudyTask, TaskResult } from "../src/study/contract.js";
import {
  type Child,
  exited,
  kill,
  killAll,
  requiredEnv,
  scopedDatabase,
  startPortello,
  until,
} from "./fixtures/processes.js";
import { slowStudy } from "./fixtures/slow-study.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";
import { tinyStudyText } from "./fixtures/tiny-study.js";
import { StudyReport } from "../src/study/report.js";

/**
 * The distributed engine against a real Redis, a real PostgreSQL and real `portello worker` processes: the same
 * results whatever the number of workers; every result stored exactly once when workers are SIGKILLed mid-job;
 * cancel empties the queue; a study whose caller and workers all went away completes when started again.
 */

let db: Awaited<ReturnType<typeof scopedDatabase>>;
let store: SqlStore;
let redisUrl: string;
const queue = `test-${process.pid}-${Date.now()}`;
/** short locks so that a killed worker's job comes back within seconds */
const LOCK = ["--lock-seconds", "3", "--stalled-seconds", "1"];

beforeAll(async () => {
  redisUrl = requiredEnv("PORTELLO_TEST_REDIS_URL");
  db = await scopedDatabase("queue");
  store = await openPostgresStore(db.url);
});

// each test solves its tasks: none is answered by the shared cache from a test before (that one tests the cache)
beforeEach(async () => {
  await store.studies.clearSolveCache();
});

afterAll(async () => {
  await killAll();
  await store?.close();
  await db?.drop();
});

/** Two options (the tiny network, and the same at a higher discount rate), `samples` draws of US demand. */
async function study(id: string, samples: number): Promise<{ prepared: PreparedStudy; tasks: StudyTask[] }> {
  const scenario = await parseScenarioText(TINY_SCENARIO, "tiny.yaml", builtinResolver);
  const prepared: PreparedStudy = {
    id,
    options: [
      { id: "base", label: "Base", scenario },
      { id: "dear", label: "Dear money", scenario: { ...scenario, discountRate: 0.12 } },
    ],
    solver: { mipRelGap: 0 },
  };
  const tasks = Array.from({ length: samples }, (_, sample) =>
    prepared.options.map((option) => ({
      sample,
      option: option.id,
      assignments: [
        { path: "demand[market=us].volume.volume", mode: "scale" as const, value: 0.4 + 0.25 * sample },
        { path: "plants[id=west].openCost", mode: "set" as const, value: 150e6 + 40e6 * (sample % 4) },
      ],
    })),
  ).flat();
  return { prepared, tasks };
}

function startWorker(): Promise<Child> {
  return startPortello(
    ["worker", "--redis", redisUrl, "--database", db.url, "--queue", queue, ...LOCK],
    /ready on queue/,
  );
}

const nameOf = (worker: Child) => `${hostname()}:${worker.child.pid}`;

/** What a result says, without the time it took: identical across workers, orders and retries. */
function answer(result: TaskResult) {
  const { seconds: _, ...rest } = result;
  return rest;
}

async function storedRows(studyId: string) {
  return (await store.studies.results(studyId)).map((r) => `${r.sample}:${r.option}`);
}

/** Runs a study through the queue, collecting what onResult hears. */
async function runStudy(id: string, samples: number, workers: Child[]) {
  const { prepared, tasks } = await study(id, samples);
  const engine = new QueueEngine(store.studies, { redisUrl, queue });
  const heard: TaskResult[] = [];
  try {
    await engine.run(prepared, tasks, { onResult: (r) => void heard.push(r) });
  } finally {
    await engine.close();
    // a failed run must not leave its workers on the queue for the tests that follow
    await Promise.all(workers.map((w) => kill(w.child, "SIGTERM")));
  }
  return { heard, tasks };
}

const byKey = (results: TaskResult[]) =>
  Object.fromEntries(results.map((r) => [`${r.sample}:${r.option}`, answer(r)]));

let reference: Record<string, unknown>;

describe("studies on BullMQ with portello worker processes", () => {
  it("gives the same results with 1 and with 3 workers, each task's result once", async () => {
    const one = await runStudy("one-worker", 6, [await startWorker()]);
    await store.studies.clearSolveCache(); // the three workers solve the same tasks again
    const three = await runStudy(
      "three-workers",
      6,
      await Promise.all([startWorker(), startWorker(), startWorker()]),
    );
    for (const { heard, tasks } of [one, three]) {
      expect(heard).toHaveLength(tasks.length);
      expect(new Set(heard.map((r) => `${r.sample}:${r.option}`)).size).toBe(tasks.length);
      expect(heard.every((r) => r.status === "optimal")).toBe(true);
    }
    reference = byKey(one.heard);
    expect(byKey(three.heard)).toEqual(reference);
    // the draws matter: not every sample gives the same NPV
    expect(new Set(one.heard.map((r) => r.npv)).size).toBeGreaterThan(6);
    expect(await storedRows("three-workers")).toHaveLength(12);
  });

  it("stores every result exactly once when workers are SIGKILLed mid-job", async () => {
    const workers = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const { prepared, tasks } = await study("killed", 6);
    const engine = new QueueEngine(store.studies, { redisUrl, queue });
    const heard: TaskResult[] = [];
    const done = engine.run(prepared, tasks, { onResult: (r) => void heard.push(r) });

    // two workers die, each while it holds a job
    const victims = workers.slice(0, 2);
    const held: string[] = [];
    for (const victim of victims) {
      let jobId: string | undefined;
      await until(async () => {
        const active = await engine.queue.getActive();
        jobId = active.find((job) => job.processedBy === nameOf(victim))?.id;
        return jobId !== undefined;
      }, 60);
      await kill(victim.child);
      held.push(jobId!);
    }
    const fresh = await startWorker();
    await done;
    await engine.close();

    expect(heard).toHaveLength(tasks.length);
    const rows = await storedRows("killed");
    expect(rows).toHaveLength(tasks.length);
    expect(new Set(rows).size).toBe(tasks.length);
    // the same answers as an undisturbed study of the same draws
    const again = byKey(heard);
    for (const key of Object.keys(again)) expect(again[key]).toEqual(reference[key]);
    // the jobs the victims held were taken over by a worker still alive (a victim may have stored its result in
    // the moment between the look and the kill, but not both)
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows: storers } = await client.query(
      "SELECT sample || ':' || option AS key, worker FROM study_results WHERE study_id = 'killed'",
    );
    await client.end();
    const storer = new Map(storers.map((r) => [String(r.key), String(r.worker)]));
    const takenOver = held.filter((id, i) => {
      const by = storer.get(id.split(":").slice(1).join(":"));
      return by !== undefined && by !== nameOf(victims[i]!);
    });
    expect(takenOver.length).toBeGreaterThanOrEqual(1);
    await Promise.all([workers[2]!, fresh].map((w) => kill(w.child, "SIGTERM")));
  });

  it("cancel removes the study's jobs and late results are dropped", async () => {
    const workers = [await startWorker()];
    const { prepared, tasks } = await study("cancelled", 20);
    const engine = new QueueEngine(store.studies, { redisUrl, queue });
    const abort = new AbortController();
    const heard: TaskResult[] = [];
    const run = engine.run(prepared, tasks, {
      onResult: (r) => {
        heard.push(r);
        if (heard.length === 2) abort.abort();
      },
      signal: abort.signal,
    });
    await expect(run).rejects.toThrow();
    expect((await store.studies.get("cancelled")).status).toBe("cancelled");
    // nothing of the study waits in the queue; the job in hand, if any, finishes and is dropped
    const counts = await engine.queue.getJobCounts("waiting", "delayed", "prioritized", "paused");
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await until(async () => (await engine.queue.getActiveCount()) === 0, 30);
    const stored = (await storedRows("cancelled")).length;
    expect(stored).toBeLessThan(tasks.length);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await storedRows("cancelled")).length).toBe(stored);
    await engine.close();
    await kill(workers[0]!.child, "SIGTERM");
  });

  it("cancel stops the solves under way on the workers within seconds, storing nothing of them", async () => {
    const workers = [await startWorker(), await startWorker()];
    const { prepared, tasks } = await slowStudy("cancelled-mid-solve", 3);
    const engine = new QueueEngine(store.studies, { redisUrl, queue });
    const abort = new AbortController();
    const run = engine.run(prepared, tasks, { onResult: () => {}, signal: abort.signal });
    // both workers solve a task of minutes; some seconds in — where HiGHS may go most of a minute without an
    // interrupt check (src/study/stop-flag.ts) — nothing is stored
    await until(async () => (await engine.queue.getActive()).length === 2, 60);
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    expect(await storedRows("cancelled-mid-solve")).toEqual([]);

    const cancelled = performance.now();
    abort.abort();
    await expect(run).rejects.toThrow();
    // the workers see the cancel in the store (every second), stop their solves — at HiGHS' next interrupt check,
    // or by ending the solver thread after a 5 s grace — and let go of the jobs
    await until(async () => (await engine.queue.getActiveCount()) === 0, 20);
    expect((performance.now() - cancelled) / 1000).toBeLessThan(15);
    expect(await storedRows("cancelled-mid-solve")).toEqual([]);
    await engine.close();
    // and they are free at once for the next study
    const next = await runStudy("after-cancel", 2, workers);
    expect(next.heard).toHaveLength(next.tasks.length);
  });

  it("answers a task solved before, by another study or by more samples of the same, from the shared cache", async () => {
    const cache = async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(
        "SELECT count(*)::int AS entries, coalesce(sum(hits), 0)::int AS hits FROM study_solve_cache",
      );
      await client.end();
      return rows[0] as { entries: number; hits: number };
    };
    const first = await runStudy("cached-first", 4, [await startWorker()]);
    expect(await cache()).toEqual({ entries: 8, hits: 0 });

    // another study with the same tasks: each one answered from the cache, stored once for this study too
    const second = await runStudy("cached-second", 4, [await startWorker()]);
    expect(await cache()).toEqual({ entries: 8, hits: 8 });
    expect(byKey(second.heard)).toEqual(byKey(first.heard));
    expect(await storedRows("cached-second")).toHaveLength(8);

    // more samples: only the new ones are solved
    const more = await runStudy("cached-more", 6, [await startWorker()]);
    expect(await cache()).toEqual({ entries: 12, hits: 16 });
    expect(more.heard).toHaveLength(12);
    expect(more.heard.every((r) => r.status === "optimal")).toBe(true);
  });

  it("completes a study whose caller and workers all went away, when it is run again", async () => {
    const { prepared, tasks } = await study("resumed", 6);
    const first = new QueueEngine(store.studies, { redisUrl, queue });
    const workers = [await startWorker(), await startWorker()];
    const abandoned = first.run(prepared, tasks, { onResult: () => {} });
    await until(
      async () => ((await store.studies.get("resumed").catch(() => undefined))?.done ?? 0) >= 3,
      60,
    );
    // everything stops at once: workers killed, the caller gone, and the queue's jobs lost with Redis's memory
    await Promise.all(workers.map((w) => kill(w.child)));
    await first.queue.obliterate({ force: true });
    await first.close();
    await abandoned.catch(() => {});
    const before = (await store.studies.get("resumed")).done;
    expect(before).toBeLessThan(tasks.length);

    const again = new QueueEngine(store.studies, { redisUrl, queue });
    const heard: TaskResult[] = [];
    const worker = await startWorker();
    await again.run(prepared, tasks, { onResult: (r) => void heard.push(r) });
    await again.close();
    expect(heard).toHaveLength(tasks.length);
    expect(await storedRows("resumed")).toHaveLength(tasks.length);
    expect(byKey(heard)).toEqual(reference);
    await kill(worker.child, "SIGTERM");
    expect(await exited(worker.child)).toMatchObject({ code: 0 });
  });

  it("adds again the jobs Redis lost while the caller follows the study, and completes it", async () => {
    const { prepared, tasks } = await study("jobs-lost", 6);
    const engine = new QueueEngine(store.studies, { redisUrl, queue, reenqueueSeconds: 1 });
    const heard: TaskResult[] = [];
    const done = engine.run(prepared, tasks, { onResult: (r) => void heard.push(r) });
    // every job waits (no worker yet), then Redis loses them all
    await until(async () => (await engine.queue.getWaitingCount()) === tasks.length, 30);
    await engine.queue.obliterate({ force: true });
    expect(await engine.queue.getWaitingCount()).toBe(0);
    const worker = await startWorker();
    await done;
    await engine.close();
    expect(heard).toHaveLength(tasks.length);
    expect(await storedRows("jobs-lost")).toHaveLength(tasks.length);
    expect(byKey(heard)).toEqual(reference);
    await kill(worker.child, "SIGTERM");
  });

  it("portello study --redis runs a study on the queue with the same draws and NPVs as on threads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-cli-queue-"));
    writeFileSync(join(dir, "base.yaml"), TINY_SCENARIO);
    const spec = join(dir, "study.yaml");
    writeFileSync(spec, tinyStudyText({ samples: 3 }));
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "study", spec, "--json", ...args],
        { cwd: new URL("..", import.meta.url), maxBuffer: 64 << 20 },
      );
      return StudyReport.parse(JSON.parse(stdout));
    };
    const onThreads = await cli("--workers", "1");
    const worker = await startWorker();
    const onQueue = await cli("--redis", redisUrl, "--database", db.url, "--queue", queue);
    await kill(worker.child);
    const draws = (r: StudyReport) =>
      r.monteCarlo!.draws.map((d) => ({ sample: d.sample, values: d.values, npv: d.npv }));
    expect(draws(onQueue)).toEqual(draws(onThreads));
    expect(onQueue.monteCarlo!.complete).toBe(3);
    // the queue's results are stored under a study of this run's own (a UUID: a re-run never reuses old results)
    const pool = new pg.Pool({ connectionString: db.url });
    const { rows } = await pool.query(
      `SELECT r.study_id, count(*)::int AS results, count(DISTINCT (r.sample, r.option))::int AS distinct_results,
              (SELECT count(*)::int FROM study_tasks t WHERE t.study_id = r.study_id) AS tasks
       FROM study_results r WHERE r.study_id ~ '^[0-9a-f-]{36}$' GROUP BY r.study_id`,
    );
    await pool.end();
    expect(rows).toHaveLength(1);
    const { results, distinct_results, tasks } = rows[0];
    expect([results, distinct_results]).toEqual([tasks, tasks]);
    expect(tasks).toBeGreaterThanOrEqual(3);
  });
});

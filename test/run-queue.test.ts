// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { hostname } from "node:os";
import { Queue } from "bullmq";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQueueName } from "../src/server/run-queue.js";
import { redisConnection } from "../src/study/queue.js";
import { bigScenarioText } from "./fixtures/big-scenario.js";
import {
  api,
  type Child,
  exited,
  kill,
  killAll,
  requiredEnv,
  scopedDatabase,
  startPortello,
  startServe,
  until,
} from "./fixtures/processes.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/**
 * The servers' own runs on the queue (serve --redis): two real `portello serve` processes on one PostgreSQL and
 * Redis, and real `portello worker` processes. A run posted to one server is executed by a worker and read, and
 * followed over SSE, through the other; a cancel through either stops the worker's solve; a worker SIGKILLed
 * mid-run has its run completed by another, its outcome recorded once.
 */
const LEASE = 1;
/** short locks so that a killed worker's job comes back within seconds */
const LOCK = ["--lock-seconds", "3", "--stalled-seconds", "1"];
const queue = `runs-test-${process.pid}-${Date.now()}`;

let db: Awaited<ReturnType<typeof scopedDatabase>>;
let redisUrl: string;
let a: Child & { url: string };
let b: Child & { url: string };
let runJobs: Queue;
let tinyId: string;
let bigId: string;

beforeAll(async () => {
  redisUrl = requiredEnv("PORTELLO_TEST_REDIS_URL");
  db = await scopedDatabase("runq");
  const serveArgs = ["--redis", redisUrl, "--queue", queue, "--lease", String(LEASE)];
  a = await startServe(db.url, serveArgs);
  b = await startServe(db.url, serveArgs);
  runJobs = new Queue(runQueueName(queue), { connection: redisConnection(redisUrl) });
  await api(a.url, "/api/projects", { name: "Queued" });
  tinyId = (await api(a.url, "/api/projects/queued/scenarios", { name: "Tiny", content: TINY_SCENARIO }))
    .scenario.id;
  const big = bigScenarioText({ plants: 12, programs: 16 });
  bigId = (await api(a.url, "/api/projects/queued/scenarios", { name: "Big", content: big })).scenario.id;
});

afterAll(async () => {
  await killAll();
  await runJobs?.close();
  await db?.drop();
});

function startWorker(): Promise<Child> {
  return startPortello(
    ["worker", "--redis", redisUrl, "--database", db.url, "--queue", queue, ...LOCK],
    /ready on queue/,
  );
}

/** An SSE stream read as it arrives: its text so far, and its end. */
function follow(url: string): { text: () => string; ended: Promise<void> } {
  let text = "";
  const ended = (async () => {
    const res = await fetch(url);
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
  })();
  return { text: () => text, ended };
}

const statusesOf = (stream: string) =>
  [...stream.matchAll(/event: status\ndata: (.*)/g)].map((m) => JSON.parse(m[1]!).data.status);

/** The worker holding a run's job (BullMQ names it by the worker's name, host:pid). */
async function holderOf(runId: string, workers: Child[]): Promise<Child | undefined> {
  const job = await runJobs.getJob(runId);
  return workers.find((w) => job?.processedBy === `${hostname()}:${w.child.pid}`);
}

/** Waits until a worker holds the run and has logged its start; that worker. */
async function runningOn(runId: string): Promise<Child> {
  let holder: Child | undefined;
  await until(async () => {
    holder = await holderOf(runId, workers);
    const log = await api<any[]>(a.url, `/api/runs/${runId}/progress`);
    return holder !== undefined && log.some((entry) => entry.data.status === "running");
  }, 60);
  return holder!;
}

async function ownerOf(runId: string): Promise<string> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query("SELECT owner FROM runs WHERE id = $1", [runId])).rows[0].owner;
  } finally {
    await client.end();
  }
}

let workers: Child[] = [];

describe("runs on the queue: two servers, two workers, one PostgreSQL", () => {
  it("a run posted to one server waits for a worker, which executes it; the other server shows it", async () => {
    const run = await api(a.url, `/api/scenarios/${tinyId}/runs`, { options: { method: "benders" } });
    expect(run.status).toBe("queued");
    expect(await ownerOf(run.id)).toBe(`queue/${runQueueName(queue)}`);
    // no server executes it, and neither fails it when sweeping for expired leases (every LEASE/3 s)
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE * 1000));
    expect((await api(b.url, `/api/runs/${run.id}`)).status).toBe("queued");

    workers = await Promise.all([startWorker(), startWorker()]);
    const stream = await api<string>(b.url, `/api/runs/${run.id}/events`);
    expect(statusesOf(stream)).toEqual(["queued", "running", "succeeded"]);
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    const plan = await api(b.url, `/api/runs/${run.id}/result`);
    expect(plan.solver.name).toBe("benders");
    expect(plan.status).toBe("optimal");
    const fromA = await api(a.url, `/api/runs/${run.id}`);
    expect(fromA).toEqual(await api(b.url, `/api/runs/${run.id}`));
    expect(fromA.timings.solve).toBeGreaterThan(0);
  });

  it("streams the progress of a worker's solve through either server; a cancel through the other stops it", async () => {
    const run = await api(a.url, `/api/scenarios/${bigId}/runs`, {
      options: { explain: false, timeLimitSeconds: 600 },
    });
    const stream = follow(`${b.url}/api/runs/${run.id}/events`);
    await until(async () => /event: progress/.test(stream.text()), 120);
    const holder = await holderOf(run.id, workers);
    expect(holder).toBeDefined();

    expect((await api(b.url, `/api/runs/${run.id}/cancel`, {})).status).toBe("cancelled");
    await stream.ended;
    expect(stream.text()).toMatch(/event: end\ndata: \{[^\n]*"status":"cancelled"/);
    // the worker stops its solve and lets the job go (a finished job leaves the queue)
    await until(async () => (await runJobs.getJob(run.id)) === undefined, 10);
    expect((await api(a.url, `/api/runs/${run.id}`)).status).toBe("cancelled");
    // and its log stays closed: nothing is written after the cancel
    const log = await api(a.url, `/api/runs/${run.id}/progress`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await api(a.url, `/api/runs/${run.id}/progress`)).toEqual(log);
  });

  it("a worker killed mid-run: another worker completes the run, its outcome recorded once", async () => {
    const run = await api(b.url, `/api/scenarios/${bigId}/runs`, {
      options: { explain: false, timeLimitSeconds: 6 },
    });
    const holder = await runningOn(run.id);
    await kill(holder.child);
    const survivor = workers.find((w) => w !== holder)!;

    const stream = await api<string>(a.url, `/api/runs/${run.id}/events`);
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    // begun twice (the second time by the survivor), finished once
    expect(statusesOf(stream)).toEqual(["queued", "running", "running", "succeeded"]);
    const log = await api<any[]>(b.url, `/api/runs/${run.id}/progress`);
    expect(log.map((entry) => entry.seq)).toEqual(log.map((_, i) => i + 1));
    const plan = await api(b.url, `/api/runs/${run.id}/result`);
    expect(["optimal", "time-limit"]).toContain(plan.status);

    workers = [survivor, await startWorker()];
  });

  it("a worker stopped mid-run hands the run back: another worker completes it", async () => {
    const run = await api(a.url, `/api/scenarios/${bigId}/runs`, {
      options: { explain: false, timeLimitSeconds: 6 },
    });
    const holder = await runningOn(run.id);
    holder.child.kill("SIGTERM");
    expect(await exited(holder.child)).toEqual({ code: 0, signal: null });
    await until(async () => (await api(b.url, `/api/runs/${run.id}`)).status === "succeeded", 60);
    const stream = await api<string>(b.url, `/api/runs/${run.id}/events`);
    expect(statusesOf(stream)).toEqual(["queued", "running", "running", "succeeded"]);

    const other = workers.find((w) => w !== holder)!;
    other.child.kill("SIGTERM");
    expect(await exited(other.child)).toEqual({ code: 0, signal: null });
    expect(other.output()).toMatch(/stopped after storing 0 result\(s\) and 1 run\(s\)/);
  });
});

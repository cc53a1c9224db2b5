// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runQueueName } from "../src/server/run-queue.js";
import { redisConnection } from "../src/study/queue.js";
import {
  api,
  type Child,
  exited,
  killAll,
  requiredEnv,
  scopedDatabase,
  startPortello,
  startServe,
  until,
} from "./fixtures/processes.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/**
 * A Redis that lost its jobs (flushed, no append-only file) while runs waited on the queue: the next server to
 * start adds their jobs again from PostgreSQL, and a worker completes each once. Real processes; the Redis
 * database is one of this file's own, so that flushing it disturbs no other test.
 */
const PRIVATE_REDIS_DB = 11;
const queue = `lost-jobs-test-${process.pid}-${Date.now()}`;
const REQUEUED = /(\d+) queued run\(s\) whose job Redis had lost added to the queue again/;

let db: Awaited<ReturnType<typeof scopedDatabase>>;
let redisUrl: string;
let redis: Redis;
let runJobs: Queue;

beforeAll(async () => {
  redisUrl = `${requiredEnv("PORTELLO_TEST_REDIS_URL").replace(/\/\d*$/, "")}/${PRIVATE_REDIS_DB}`;
  db = await scopedDatabase("lostjobs");
  redis = redisConnection(redisUrl);
  runJobs = new Queue(runQueueName(queue), { connection: redisConnection(redisUrl) });
});

afterAll(async () => {
  await killAll();
  await runJobs?.close();
  redis?.disconnect();
  await db?.drop();
});

const serve = () => startServe(db.url, ["--redis", redisUrl, "--queue", queue]);

async function stop(server: Child): Promise<void> {
  server.child.kill("SIGTERM");
  await exited(server.child);
}

const statusesOf = (log: any[]) =>
  log.filter((entry) => entry.kind === "status").map((entry) => entry.data.status);

it("a queued run whose job Redis lost is queued again at the next server's start, and completes once", async () => {
  const first = await serve();
  await api(first.url, "/api/projects", { name: "Lost" });
  const scenarioId = (
    await api(first.url, "/api/projects/lost/scenarios", { name: "Tiny", content: TINY_SCENARIO })
  ).scenario.id;
  const run = await api(first.url, `/api/scenarios/${scenarioId}/runs`, {});
  expect(run.status).toBe("queued");
  expect(await runJobs.getJob(run.id)).toBeDefined();

  await redis.flushdb();
  expect(await runJobs.getJob(run.id)).toBeUndefined();
  await stop(first);

  const second = await serve();
  await until(async () => REQUEUED.test(second.output()), 10);
  expect(REQUEUED.exec(second.output())?.[1]).toBe("1");
  expect(await runJobs.getJob(run.id)).toBeDefined();
  const worker = await startPortello(
    ["worker", "--redis", redisUrl, "--database", db.url, "--queue", queue],
    /ready on queue/,
  );
  await until(async () => (await api(second.url, `/api/runs/${run.id}`)).status === "succeeded", 60);
  expect(statusesOf(await api(second.url, `/api/runs/${run.id}/progress`))).toEqual([
    "queued",
    "running",
    "succeeded",
  ]);

  // the finished run's job is gone too after another flush: PostgreSQL says it finished, so it is not re-run
  await redis.flushdb();
  await stop(second);
  const third = await serve();
  expect(third.output()).not.toMatch(REQUEUED);
  expect(await runJobs.getJob(run.id)).toBeUndefined();
  const after = await api(third.url, `/api/runs/${run.id}/progress`);
  expect(statusesOf(after)).toEqual(["queued", "running", "succeeded"]);
  expect(worker.output()).not.toMatch(/error/i);
}, 120_000);

// Throughput of studies on the BullMQ queue with real `portello worker` processes, against the in-process pool
// of threads, and the queue's overhead per job. Usage: npm run bench:queue [-- --samples 40 --workers 1,2]
// (scripts/bench-queue.sh starts a private Redis and PostgreSQL and builds first).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { availableParallelism, cpus } from "node:os";
import { parseArgs } from "node:util";
import { loadStudySpec } from "../src/domain/study-spec.js";
import { openPostgresStore } from "../src/store/postgres-store.js";
import { QueueEngine } from "../src/study/bullmq-engine.js";
import type { PreparedStudy, StudyEngine, StudyTask, TaskResult } from "../src/study/contract.js";
import { prepareStudy } from "../src/study/run.js";
import { ThreadEngine } from "../src/study/thread-engine.js";
import { builtinResolver, parseScenarioText } from "../src/domain/load.js";
import { TINY_SCENARIO } from "../test/fixtures/tiny-scenario.js";
import { monteCarloTasks } from "../bench/study-tasks.js";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "40" },
    "tiny-samples": { type: "string", default: "100" },
    workers: { type: "string", default: "1,2" },
  },
});
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl)
  throw new Error("set DATABASE_URL and REDIS_URL (scripts/bench-queue.sh does)");
const queue = `bench-${process.pid}`;
const store = await openPostgresStore(databaseUrl);

function startWorker(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["bin/portello.js", "worker", "--redis", redisUrl!, "--database", databaseUrl!, "--queue", queue],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk) => /ready on queue/.test(String(chunk)) && resolve(child));
    child.on("exit", (code) => reject(new Error(`worker exited (${code})`)));
  });
}

async function measure(engine: StudyEngine, prepared: PreparedStudy, tasks: StudyTask[]) {
  const results: TaskResult[] = [];
  const started = performance.now();
  await engine.run(prepared, tasks, { onResult: (r) => void results.push(r) });
  const seconds = (performance.now() - started) / 1000;
  const solveSeconds = results.reduce((s, r) => s + r.seconds, 0);
  const optimal = results.filter((r) => r.status === "optimal").length;
  return { tasks: tasks.length, seconds, perSecond: tasks.length / seconds, solveSeconds, optimal };
}

async function viaQueue(workers: number, prepared: PreparedStudy, tasks: StudyTask[]) {
  // every measurement solves its tasks: none is answered from the results of the one before
  await store.studies.clearSolveCache();
  const children = await Promise.all(Array.from({ length: workers }, startWorker));
  const engine = new QueueEngine(store.studies, { redisUrl: redisUrl!, queue });
  try {
    return await measure(engine.forStudy(randomUUID()), prepared, tasks);
  } finally {
    await engine.close();
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => c.once("exit", r))));
  }
}

async function viaThreads(threads: number, prepared: PreparedStudy, tasks: StudyTask[]) {
  const engine = new ThreadEngine({ threads });
  try {
    return await measure(engine, prepared, tasks);
  } finally {
    await engine.close();
  }
}

const line = (label: string, r: Awaited<ReturnType<typeof measure>>) =>
  `| ${label} | ${r.tasks} | ${r.seconds.toFixed(1)} | **${r.perSecond.toFixed(2)}** | ${((r.solveSeconds / r.tasks) * 1000).toFixed(0)} | ${((r.seconds / r.tasks) * 1000).toFixed(0)} | ${r.optimal} |`;

const rows: string[] = [];
const alfa = await loadStudySpec("builtin:alfa-belvidere");
const alfaPrepared = prepareStudy(alfa);
const alfaTasks = monteCarloTasks(alfa, Number(values.samples));
rows.push(line("Alfa, threads in-process ×1", await viaThreads(1, alfaPrepared, alfaTasks)));
for (const n of values.workers!.split(",").map(Number))
  rows.push(
    line(
      `Alfa, BullMQ, ${n} worker process${n === 1 ? "" : "es"}`,
      await viaQueue(n, alfaPrepared, alfaTasks),
    ),
  );

// queue overhead: a trivial scenario, one worker, one job at a time
const tiny = await parseScenarioText(TINY_SCENARIO, "tiny.yaml", builtinResolver);
const tinyPrepared: PreparedStudy = {
  id: "tiny",
  options: [{ id: "tiny", label: "Tiny", scenario: tiny }],
  solver: {},
};
const tinyTasks = Array.from({ length: Number(values["tiny-samples"]) }, (_, sample) => ({
  sample,
  option: "tiny",
  assignments: [{ path: "discountRate", mode: "set" as const, value: 0.05 + sample * 1e-4 }],
}));
const tinyThreads = await viaThreads(1, tinyPrepared, tinyTasks);
const tinyQueue = await viaQueue(1, tinyPrepared, tinyTasks);
rows.push(line("tiny, threads in-process ×1", tinyThreads));
rows.push(line("tiny, BullMQ, 1 worker process", tinyQueue));
/** one job at a time: the wall time of a task beyond its solve is what the engine costs per job */
const overheadMs = (r: Awaited<ReturnType<typeof measure>>) =>
  ((r.seconds - r.solveSeconds) / r.tasks) * 1000;

console.log(
  `${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} (${availableParallelism()} usable) · Node ${process.version}`,
);
console.log("| engine | tasks | wall s | solves/s | solve ms/task | wall ms/task | optimal |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) console.log(row);
console.log(
  `overhead per job beyond its solve (tiny, one at a time): BullMQ ${overheadMs(tinyQueue).toFixed(1)} ms, ` +
    `threads in-process ${overheadMs(tinyThreads).toFixed(1)} ms`,
);
await store.close();

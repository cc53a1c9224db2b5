import type { Command } from "commander";
import { openPostgresStore, redact } from "../../store/postgres-store.js";
import { DEFAULT_LOCK, DEFAULT_QUEUE } from "../../study/queue.js";
import { startQueueWorker } from "../../study/worker-process.js";
import { startRunQueueWorker } from "../../server/run-queue-worker.js";
import { ExitCode } from "../exit-codes.js";
import { wholeNumber } from "../options.js";
import { UserError, runCommand } from "../output.js";

interface WorkerFlags {
  redis?: string;
  database?: string;
  concurrency: string;
  queue: string;
  lockSeconds: string;
  stalledSeconds: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "Execute study tasks and runs from the queues (BullMQ on Redis), storing each result in PostgreSQL; run any number, on any machine",
    )
    .option("--redis <url>", "the queue's Redis, e.g. redis://queue-host:6379 (default: REDIS_URL)")
    .option("--database <url>", "the PostgreSQL database the servers use (default: DATABASE_URL)")
    .option(
      "--concurrency <n>",
      "solver threads: study tasks executed at once, and as many runs (one per core is the most useful)",
      "1",
    )
    .option(
      "--queue <name>",
      "the study queue's name (the servers' --queue); runs come from the queue <name>-runs",
      DEFAULT_QUEUE,
    )
    .option(
      "--lock-seconds <s>",
      "a job's lock lasts this long without renewal: the job of a worker that died is retried by another after it",
      String(DEFAULT_LOCK.lockSeconds),
    )
    .option(
      "--stalled-seconds <s>",
      "how often this worker looks for jobs whose worker died",
      String(DEFAULT_LOCK.stalledSeconds),
    )
    .action((flags: WorkerFlags) => runCommand(() => work(flags)));
}

async function work(flags: WorkerFlags): Promise<ExitCode> {
  const redisUrl = flags.redis ?? process.env.REDIS_URL;
  const databaseUrl = flags.database ?? process.env.DATABASE_URL;
  if (!redisUrl)
    throw new UserError("say where the queue is: --redis redis://host:6379 (or REDIS_URL)", ExitCode.usage);
  if (!databaseUrl)
    throw new UserError(
      "say where results go: --database postgres://user:password@host/db (or DATABASE_URL)",
      ExitCode.usage,
    );
  const concurrency = wholeNumber(flags.concurrency, "--concurrency", 1, 256);
  const lock = {
    lockSeconds: wholeNumber(flags.lockSeconds, "--lock-seconds", 1, 3600),
    stalledSeconds: wholeNumber(flags.stalledSeconds, "--stalled-seconds", 1, 3600),
  };
  const store = await openPostgresStore(databaseUrl);
  const closeStore = async (error: unknown) => {
    await store.close();
    throw error;
  };
  const worker = await startQueueWorker({
    redisUrl,
    studies: store.studies,
    concurrency,
    queue: flags.queue,
    lock,
  }).catch(closeStore);
  const runWorker = await startRunQueueWorker({
    redisUrl,
    store,
    concurrency,
    queue: flags.queue,
    lock,
  }).catch(async (error) => {
    await worker.close();
    return closeStore(error);
  });
  process.stdout.write(
    `portello worker ${worker.name}: ready on queue "${flags.queue}" and its runs' queue "${runWorker.queue}" ` +
      `(${concurrency} solver thread${concurrency === 1 ? "" : "s"} each); results to ${redact(databaseUrl)}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  // the study tasks in hand finish and are stored first; runs in hand go back to the queue for another worker
  await Promise.all([worker.close(), runWorker.close()]);
  await store.close();
  process.stdout.write(
    `portello worker ${worker.name}: stopped after storing ${worker.stored()} result(s) and ${runWorker.finished()} run(s)\n`,
  );
  return ExitCode.ok;
}

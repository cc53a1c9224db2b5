import type { Command } from "commander";
import { DEFAULT_LIMITS } from "../../server/connections.js";
import { DEFAULT_MAX_EVENT_STREAMS } from "../../server/event-streams.js";
import { DEFAULT_LEASE_SECONDS } from "../../server/runs.js";
import { runQueueName } from "../../server/run-queue.js";
import { DEFAULT_QUEUE } from "../../study/queue.js";
import { StartRefused, startServer } from "../../server/start.js";
import { StoreError } from "../../store/types.js";
import { ExitCode } from "../exit-codes.js";
import { wholeNumber } from "../options.js";
import { UserError, runCommand } from "../output.js";

interface ServeFlags {
  port: string;
  host: string;
  data?: string;
  headersTimeout: string;
  requestTimeout: string;
  maxEventStreams: string;
  lease: string;
  redis?: string;
  queue: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("Start the HTTP API (and the web app, when built). Data: ~/.portello/data, or DATABASE_URL.")
    .option("--port <n>", "port to listen on (0 = any free port)", "4173")
    .option(
      "--host <host>",
      "address to listen on; anything but localhost requires every caller to sign in (see portello users)",
      "127.0.0.1",
    )
    .option("--data <dir>", "folder of the embedded database (default ~/.portello/data)")
    .option(
      "--headers-timeout <seconds>",
      "drop a client that has not sent its complete headers by then",
      String(DEFAULT_LIMITS.headersTimeoutSeconds),
    )
    .option(
      "--request-timeout <seconds>",
      "drop a client that has not sent its complete request by then",
      String(DEFAULT_LIMITS.requestTimeoutSeconds),
    )
    .option(
      "--max-event-streams <n>",
      "event streams (of runs and studies together) open at once; more are refused with a 429",
      String(DEFAULT_MAX_EVENT_STREAMS),
    )
    .option(
      "--lease <seconds>",
      "with PostgreSQL shared by several servers: a run whose server has not renewed its lease for this long is failed by another",
      String(DEFAULT_LEASE_SECONDS),
    )
    .option(
      "--redis <url>",
      "run studies and runs on queues in this Redis (portello worker processes execute them; needs DATABASE_URL)",
    )
    .option(
      "--queue <name>",
      "the study queue's name (the workers' --queue); runs go to the queue <name>-runs",
      DEFAULT_QUEUE,
    )
    .action((flags: ServeFlags) => runCommand(() => serve(flags)));
}

async function serve(flags: ServeFlags): Promise<ExitCode> {
  const port = wholeNumber(flags.port, "--port", 0, 65535);
  const limits = {
    headersTimeoutSeconds: seconds(flags.headersTimeout, "--headers-timeout"),
    requestTimeoutSeconds: seconds(flags.requestTimeout, "--request-timeout"),
  };
  const server = await startServer({
    port,
    limits,
    maxEventStreams: wholeNumber(flags.maxEventStreams, "--max-event-streams", 1, 100_000),
    leaseSeconds: seconds(flags.lease, "--lease"),
    queue: flags.queue,
    ...(flags.redis ? { redisUrl: flags.redis } : {}),
    host: flags.host,
    ...(flags.data ? { dataDir: flags.data } : {}),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") throw new UserError(`port ${port} is already in use; try --port 0`);
    if (error instanceof StartRefused) throw new UserError(error.message, ExitCode.usage);
    if (error instanceof StoreError) throw new UserError(error.message);
    throw error;
  });
  const where = server.store.backend === "postgres" ? "PostgreSQL" : "embedded";
  const signInRequired = server.auth === "required" || (await server.store.accounts.hasUsers());
  // one write, so that a reader who waits for "serving on" has the whole banner (a pipe keeps small writes whole)
  process.stdout.write(
    `portello: serving on ${server.url}\n` +
      `portello: data: ${server.store.location} (${where})\n` +
      (signInRequired
        ? "portello: every request needs a token or a signed-in session (portello users, tokens)\n"
        : ""),
  );
  if (server.studyEngine === "bullmq")
    process.stdout.write(
      `portello: studies run on the queue "${flags.queue}", runs on "${runQueueName(flags.queue)}": start portello worker processes\n`,
    );
  if (server.resumedStudies.length > 0)
    process.stdout.write(`portello: ${server.resumedStudies.length} unfinished study(ies) resumed\n`);
  if (server.requeuedRuns.length > 0)
    process.stdout.write(
      `portello: ${server.requeuedRuns.length} queued run(s) whose job Redis had lost added to the queue again\n`,
    );
  if (server.interruptedRuns.length > 0) {
    process.stdout.write(
      `portello: ${server.interruptedRuns.length} run(s) interrupted by the last stop marked failed\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.close().finally(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return ExitCode.ok;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 3600)
    throw new UserError(`${flag} must be a number of seconds from 1 to 3600, not "${value}"`, ExitCode.usage);
  return n;
}

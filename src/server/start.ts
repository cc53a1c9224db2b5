import { randomUUID } from "node:crypto";
import { createServer, type RequestListener, type ServerOptions } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { openStore } from "../store/open.js";
import { seedBuiltinProjects } from "../store/seed.js";
import type { Store } from "../store/types.js";
import { createApp } from "./app.js";
import {
  answerClientError,
  type ConnectionLimits,
  DEFAULT_LIMITS,
  refusingTraversal,
  serverOptions,
} from "./connections.js";
import { type AuthMode, isLoopback } from "./auth.js";
import { RunQueue } from "./run-queue.js";
import { DEFAULT_LEASE_SECONDS, RESTART_REASON, RunManager } from "./runs.js";
import { StudyManager } from "./studies.js";

export interface ServeOptions {
  /** default 4173; 0 picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  webDir?: string;
  /** header and request timeouts (default DEFAULT_LIMITS) */
  limits?: Partial<ConnectionLimits>;
  /** event streams (runs' and studies' together) open at once (default DEFAULT_MAX_EVENT_STREAMS, 256) */
  maxEventStreams?: number;
  /** how long a run's lease holds without renewal (default 30 s): see runs.ts */
  leaseSeconds?: number;
  /**
   * a Redis for the queues: studies' tasks and runs go to `portello worker` processes (needs PostgreSQL)
   */
  redisUrl?: string;
  /** the study queue's name (default portello-studies); runs go to the queue named `<queue>-runs` */
  queue?: string;
}

export interface RunningServer {
  url: string;
  /** whether callers must sign in: always off loopback; on loopback once a user exists */
  auth: AuthMode;
  store: Store;
  /** runs that were still queued or running when the server last stopped, now marked failed */
  interruptedRuns: string[];
  /** runs held by the queue whose jobs Redis had lost (flushed), added to it again (serve --redis) */
  requeuedRuns: string[];
  /** unfinished studies this server took over at its start (their tasks with results are not solved again) */
  resumedStudies: string[];
  /** where studies' tasks and runs execute: "threads" (this process) or "bullmq" (portello worker processes) */
  studyEngine: string;
  close(): Promise<void>;
}

/** The server would not start: the reason says what to do. */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartRefused";
  }
}

/**
 * Opens the store, closes the books on runs a previous process left behind, seeds the built-in projects,
 * then listens.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const store = await openStore({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  if (options.redisUrl && store.backend !== "postgres") {
    await store.close();
    throw new StartRefused(
      "--redis needs PostgreSQL (DATABASE_URL): the workers, on other machines, store each result there",
    );
  }
  const auth: AuthMode = isLoopback(host) ? "loopback" : "required";
  if (auth === "required" && !(await store.accounts.anyCredentials())) {
    await store.close();
    throw new StartRefused(noCredentialsMessage(host, options));
  }
  // an embedded store is this process's alone: whatever it left unfinished was interrupted. PostgreSQL may be
  // shared with other servers: only runs whose owner's lease ran out are theirs to close.
  const shared = store.backend === "postgres";
  const interruptedRuns = await store.markInterruptedRuns(RESTART_REASON, shared);
  await seedBuiltinProjects(store);
  const lease = { owner: instanceId(), seconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS };
  // with a queue, runs go to `portello worker` processes too: a run then belongs to the queue, not to this server
  const runQueue = options.redisUrl
    ? new RunQueue({ redisUrl: options.redisUrl, ...(options.queue ? { studyQueue: options.queue } : {}) })
    : undefined;
  // Redis may have lost the jobs of runs the queue holds (flushed, no append-only file): PostgreSQL still has them
  const requeuedRuns = runQueue ? await runQueue.requeueLost(store) : [];
  const runs = new RunManager(store, undefined, lease, runQueue);
  if (shared) runs.keepLeases();
  const studies = new StudyManager(store, {
    lease,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
  });
  const resumedStudies = await studies.resumeOrphans(shared);
  const app = createApp({
    store,
    runs,
    studies,
    auth,
    ...(options.maxEventStreams !== undefined ? { maxEventStreams: options.maxEventStreams } : {}),
    ...(options.webDir ? { webDir: options.webDir } : {}),
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 4173,
        hostname: host,
        serverOptions: serverOptions({ ...DEFAULT_LIMITS, ...options.limits }),
        // node-server passes (options, listener): the guard goes in front of its listener
        createServer: ((opts: ServerOptions, listener: RequestListener) =>
          createServer(opts, refusingTraversal(listener))) as typeof createServer,
      },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  server.on("clientError", answerClientError);
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    auth,
    store,
    interruptedRuns,
    requeuedRuns,
    resumedStudies,
    studyEngine: studies.engineName,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await studies.shutdown();
      await runs.shutdown();
      await store.close();
    },
  };
}

/** This server process among those sharing a database: host and pid for people, a UUID for uniqueness. */
export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

function noCredentialsMessage(host: string, options: ServeOptions): string {
  const where = options.databaseUrl ? "" : options.dataDir ? ` --data ${options.dataDir}` : "";
  return [
    `refusing to listen on ${host} with nobody able to sign in: off localhost, every request needs a user or a token.`,
    `Create them first, on the same store${options.databaseUrl ? " (the same DATABASE_URL)" : ""}:`,
    `  portello users add alice${where}                      # asks for her password`,
    `  portello members add alfa-romeo alice owner${where}   # her role in a project`,
    `  portello tokens create alice${where}                  # a token for scripts, shown once`,
    "or listen on localhost only (--host 127.0.0.1).",
  ].join("\n");
}

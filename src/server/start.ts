import { randomBytes } from "node:crypto";
import { createServer, type RequestListener, type ServerOptions } from "node:http";
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
import { isLoopback } from "./auth.js";
import { RESTART_REASON, RunManager } from "./runs.js";

export interface ServeOptions {
  /** default 4173; 0 picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  /** required for writes; generated when the host is not loopback and none is given */
  token?: string;
  webDir?: string;
  /** header and request timeouts (default DEFAULT_LIMITS) */
  limits?: Partial<ConnectionLimits>;
}

export interface RunningServer {
  url: string;
  /** the token writes need, when one is required */
  token?: string;
  store: Store;
  /** runs that were still queued or running when the server last stopped, now marked failed */
  interruptedRuns: string[];
  close(): Promise<void>;
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
  const interruptedRuns = await store.markInterruptedRuns(RESTART_REASON);
  await seedBuiltinProjects(store);
  const token = options.token ?? (isLoopback(host) ? undefined : randomBytes(24).toString("base64url"));
  const runs = new RunManager(store);
  const app = createApp({
    store,
    runs,
    ...(token ? { token } : {}),
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
    ...(token ? { token } : {}),
    store,
    interruptedRuns,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runs.shutdown();
      await store.close();
    },
  };
}

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Store } from "../store/types.js";
import { ProjectScope, authenticate, authorize } from "./access.js";
import { type AuthMode, identify } from "./auth.js";
import { EventStreams } from "./event-streams.js";
import { problem, problemResponse, toProblem } from "./problem.js";
import { type SignInLimits, SignInLimiter } from "./rate-limit.js";
import { ApiRouter, type RouteGuard } from "./router.js";
import { answerRoutes } from "./routes/answers.js";
import { atlasRoutes } from "./routes/atlas.js";
import { memberRoutes } from "./routes/members.js";
import { runRoutes } from "./routes/runs.js";
import { scenarioRoutes } from "./routes/scenarios.js";
import { sessionRoutes } from "./routes/session.js";
import { studyRoutes } from "./routes/studies.js";
import { planWorkbookRoutes, workbookRoutes } from "./routes/workbooks.js";
import { RunManager } from "./runs.js";
import { StudyManager } from "./studies.js";

export interface AppOptions {
  store: Store;
  /**
   * "required": every request but the public ones needs a token or a session (a server on the network).
   * "loopback" (default): nobody signs in while no user exists; once one does, as "required".
   */
  auth?: AuthMode;
  /** failed sign-ins allowed per account and per address (default 5 and 20 per 15 minutes) */
  signInLimits?: SignInLimits;
  /** default: a RunManager on the store (pass one to control concurrency or shut it down) */
  runs?: RunManager;
  /** default: studies on a pool of threads in this process (pass one with a queue, or to shut it down) */
  studies?: StudyManager;
  /** largest request body accepted, in bytes (default 5 MB) */
  maxBodyBytes?: number;
  /** event streams (runs' and studies' together) open at once; more are refused with a 429 (default 256) */
  maxEventStreams?: number;
  /** the built web app, served at / when the folder exists (default web/dist of the package) */
  webDir?: string;
  version?: string;
}

export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));
const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/** The HTTP API (and the web app, when built): routes only — planning happens in the layers it calls. */
export function createApp(options: AppOptions): Hono {
  const { store } = options;
  const runs = options.runs ?? new RunManager(store);
  const studies = options.studies ?? new StudyManager(store);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const streams = new EventStreams(options.maxEventStreams);
  const app = new Hono();

  app.onError((error, c) => {
    const { body, unexpected, headers } = toProblem(error);
    if (unexpected) console.error(`portello: ${c.req.method} ${c.req.path} failed:`, error);
    return problemResponse(c, body, headers);
  });
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => problemResponse(c, problem(413, `the request body is larger than ${maxBody} bytes`)),
    }),
  );
  app.use("/api/*", identify(store, options.auth ?? "loopback"));

  const api = new ApiRouter(app, guard(store));
  api.add(
    {
      method: "get",
      path: "/api/health",
      operationId: "health",
      access: "public",
      summary: "Liveness, and which store is in use",
      tag: "server",
      responses: { 200: { description: "ok" } },
    },
    (c) => c.json({ status: "ok", store: store.backend, version: options.version ?? "0.1.0" }),
  );
  sessionRoutes(api, store, new SignInLimiter(options.signInLimits));
  atlasRoutes(api);
  scenarioRoutes(api, store);
  workbookRoutes(api, store);
  runRoutes(api, store, runs, streams);
  studyRoutes(api, store, studies, streams);
  planWorkbookRoutes(api, store);
  answerRoutes(api, store);
  memberRoutes(api, store);

  let openApi: Record<string, unknown> = {};
  api.add(
    {
      method: "get",
      path: "/api/openapi.json",
      operationId: "openApi",
      summary: "This document",
      tag: "server",
      access: "public",
      responses: { 200: { description: "the OpenAPI 3.1 document" } },
    },
    (c) => c.json(openApi),
  );
  openApi = api.openApi({
    title: "Portello API",
    version: options.version ?? "0.1.0",
    description:
      "Projects, scenario versions, runs, comparisons and uncertainty studies of the Portello production-network planner.",
  });
  app.all("/api/*", (c) =>
    problemResponse(c, problem(404, `no such endpoint: ${c.req.method} ${c.req.path}`)),
  );

  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(webDir)) {
    app.use("/*", serveStatic({ root: webDir }));
    // client-side routes of the single-page app fall back to its index
    app.get("*", serveStatic({ root: webDir, path: "index.html" }));
  }
  app.notFound((c) => problemResponse(c, problem(404, `nothing at ${c.req.path}`)));
  return app;
}

/** The access check and the audit log around every route (see access.ts). */
function guard(store: Store): RouteGuard {
  const scope = new ProjectScope(store);
  return {
    authenticate: (c, access) => authenticate(c, access),
    authorize: (c, access, input) => authorize(c, access, input, scope),
    audit: async (c, route, response) => {
      const principal = c.get("principal");
      const location = response.headers.get("location");
      await store.accounts.audit({
        actor: principal.kind === "user" ? principal.username : "local",
        via: principal.kind === "user" ? principal.via : "local",
        action: route.operationId,
        ...(c.get("projectIds")[0] ? { projectId: c.get("projectIds")[0] } : {}),
        target: c.req.path,
        detail: { status: response.status, ...(location ? { created: location } : {}) },
      });
    },
  };
}

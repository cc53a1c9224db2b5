import type { Context } from "hono";
import type { SSEStreamingApi } from "hono/streaming";
import { z } from "zod";
import { comparePlans } from "../../analysis/compare.js";
import type { ResolvedScenario } from "../../domain/load.js";
import type { Plan } from "../../plan/types.js";
import { FINISHED_STATUSES, type ProgressEntry, type Run, type Store } from "../../store/types.js";
import { inRun, inScenario, visibleProjects } from "../access.js";
import { type EventStreams, REFUSED_STREAM_RESPONSE } from "../event-streams.js";
import { HttpProblem } from "../problem.js";
import type { ApiRouter } from "../router.js";
import { type RunEvent, type RunManager, withoutPlan } from "../runs.js";
import { resolveRunScenario, resolveStoredVersion } from "../scenario-text.js";
import {
  AnyJson,
  CompareQuery,
  NewRunBody,
  PlanOut,
  ProgressOut,
  RunOut,
  type RunOptions,
  RunParams,
  RunsQuery,
  ScenarioParams,
} from "../schemas.js";

/** A quiet stream looks in the store this often (for runs that another server sharing the database executes). */
const STORE_POLL_MS = 1000;

/**
 * Runs: start (validated version → worker), follow (an event stream, counted in the server's `streams`), cancel,
 * read the plan; and compare finished runs.
 */
export function runRoutes(api: ApiRouter, store: Store, runs: RunManager, streams: EventStreams): void {
  const tag = "runs";

  api.add(
    {
      method: "post",
      path: "/api/scenarios/:scenarioId/runs",
      operationId: "startRun",
      access: inScenario("editor"),
      summary: "Start solving a version (default the latest); returns at once with the queued run",
      tag,
      params: ScenarioParams,
      body: NewRunBody,
      responses: { 202: { description: "the queued run", schema: RunOut } },
    },
    async (c, { params, body }) => {
      const { version, resolved } = await resolveStoredVersion(store, params.scenarioId, body.version);
      return queued(c, await runs.start(version.scenarioId, version.number, resolved, body.options));
    },
  );

  api.add(
    {
      method: "post",
      path: "/api/runs/:runId/rerun",
      operationId: "rerunRun",
      access: inRun("editor"),
      summary:
        "Solve a run's scenario again exactly as it was: the same version, options and base versions (not the latest)",
      tag,
      params: RunParams,
      responses: { 202: { description: "the queued run (rerunOf names the original)", schema: RunOut } },
    },
    async (c, { params }) => {
      const original = await store.getRun(params.runId);
      const resolved = await pinnedScenario(store, original);
      const options = original.options as RunOptions;
      return queued(
        c,
        await runs.start(original.scenarioId, original.versionNumber, resolved, options, original.id),
      );
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/runs",
      operationId: "listRuns",
      access: {
        role: "viewer",
        projects: (i, s) => (i.query.scenario ? [s.scenario(i.query.scenario)] : []),
      },
      summary: "List runs, oldest first, optionally of one scenario or status",
      tag,
      query: RunsQuery,
      responses: { 200: { description: "the runs (without plans)", schema: z.array(RunOut) } },
    },
    async (c, { query }) => {
      const visible = await visibleProjects(c, store);
      const filter = {
        ...(query.scenario ? { scenarioId: query.scenario } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(visible === "all" ? {} : { projectIds: [...visible.keys()] }),
      };
      return c.json(await store.listRuns(filter));
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/runs/:runId",
      operationId: "getRun",
      access: inRun("viewer"),
      summary: "A run: status, options, timings, failure reason (the plan is at /result)",
      tag,
      params: RunParams,
      responses: { 200: { description: "the run", schema: RunOut } },
    },
    async (c, { params }) => c.json(withoutPlan(await store.getRun(params.runId))),
  );

  api.add(
    {
      method: "get",
      path: "/api/runs/:runId/progress",
      operationId: "getRunProgress",
      access: inRun("viewer"),
      summary: "The run's progress log so far",
      tag,
      params: RunParams,
      query: z.object({
        after: z.coerce.number().int().min(0).default(0).describe("only entries after this seq"),
      }),
      responses: { 200: { description: "progress entries in order", schema: z.array(ProgressOut) } },
    },
    async (c, { params, query }) => {
      await store.getRun(params.runId);
      return c.json(await store.getProgress(params.runId, query.after));
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/runs/:runId/events",
      operationId: "followRun",
      access: inRun("viewer"),
      summary: "Server-sent events: the progress log so far, then live entries, then `end` with the run",
      tag,
      params: RunParams,
      responses: {
        200: {
          description:
            "events `status` and `progress` (data: a progress entry, id: its seq), then `end` (data: the run)",
          contentType: "text/event-stream",
          schema: z.string(),
        },
        429: REFUSED_STREAM_RESPONSE,
      },
    },
    async (c, { params }) => {
      await store.getRun(params.runId); // 404 before the stream starts
      return streams.stream(c, "read /progress", (stream) => followRun(c, stream, store, runs, params.runId));
    },
  );

  api.add(
    {
      method: "post",
      path: "/api/runs/:runId/cancel",
      operationId: "cancelRun",
      access: inRun("editor"),
      summary: "Cancel a queued or running run (a finished run is returned unchanged)",
      tag,
      params: RunParams,
      responses: { 200: { description: "the run", schema: RunOut } },
    },
    async (c, { params }) => c.json(await runs.cancel(params.runId)),
  );

  api.add(
    {
      method: "get",
      path: "/api/runs/:runId/result",
      operationId: "getRunResult",
      access: inRun("viewer"),
      summary: "The plan of a succeeded run",
      tag,
      params: RunParams,
      responses: { 200: { description: "the Plan JSON", schema: PlanOut } },
    },
    async (c, { params }) => c.json((await planOf(store, params.runId)) as Record<string, unknown>),
  );

  api.add(
    {
      method: "get",
      path: "/api/compare",
      operationId: "compareRuns",
      access: { role: "viewer", projects: (i, s) => i.query.runs.map((id) => s.run(id)) },
      summary: "Plans of finished runs side by side: KPIs and the decisions on which they differ",
      tag: "compare",
      query: CompareQuery,
      responses: { 200: { description: "the comparison (see src/analysis/compare.ts)", schema: AnyJson } },
    },
    async (c, { query }) => {
      const plans: Plan[] = [];
      for (const id of query.runs) plans.push((await planOf(store, id)) as Plan);
      return c.json(comparePlans(plans));
    },
  );
}

/** 202 Accepted with the queued run and where to follow it. */
function queued(c: Context, run: Run): Response {
  c.header("location", `/api/runs/${run.id}`);
  return c.json(run, 202);
}

/** The run's scenario resolved on the bases it recorded; refused when they cannot be had exactly any more. */
async function pinnedScenario(store: Store, run: Run): Promise<ResolvedScenario> {
  if (run.bases === undefined)
    throw new HttpProblem(
      409,
      `run ${run.id} was recorded before runs kept the versions of their bases: start a new run of its scenario instead`,
    );
  const { resolved, changed } = await resolveRunScenario(store, { ...run, bases: run.bases });
  if (changed.length > 0)
    throw new HttpProblem(
      409,
      `run ${run.id} cannot be repeated exactly: its base ${changed.join(", ")} changed since (a built-in updated with Portello?)`,
    );
  return resolved;
}

export async function planOf(store: Store, runId: string): Promise<unknown> {
  const run = await store.getRun(runId);
  if (run.plan !== undefined) return run.plan;
  if (!FINISHED_STATUSES.includes(run.status)) {
    throw new HttpProblem(409, `run ${runId} is ${run.status}: its plan is not ready yet`);
  }
  const why = run.failureReason ? `: ${run.failureReason}` : "";
  throw new HttpProblem(409, `run ${runId} ${run.status} without a plan${why}`);
}

/**
 * Replays the stored log (after Last-Event-ID, for reconnecting clients), then forwards live entries, then
 * `end`. Subscribing before reading the log means no entry falls between the two; seq numbers drop repeats.
 */
async function followRun(
  c: Context,
  stream: SSEStreamingApi,
  store: Store,
  runs: RunManager,
  runId: string,
): Promise<void> {
  let lastSeq = Number(c.req.header("last-event-id") ?? 0) || 0;
  const pending: RunEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const unsubscribe = runs.subscribe(runId, (event) => {
    pending.push(event);
    wake?.();
  });
  stream.onAbort(() => {
    closed = true;
    wake?.();
  });
  const sendEnd = (run: Run) => stream.writeSSE({ event: "end", data: JSON.stringify(run) });
  const send = async (entry: ProgressEntry) => {
    await stream.writeSSE({ id: String(entry.seq), event: entry.kind, data: JSON.stringify(entry) });
    lastSeq = entry.seq;
  };
  const sendStored = async () => {
    for (const entry of await store.getProgress(runId, lastSeq)) await send(entry);
  };
  try {
    await sendStored();
    const run = withoutPlan(await store.getRun(runId));
    if (FINISHED_STATUSES.includes(run.status)) {
      await sendStored();
      await sendEnd(run);
      return;
    }
    while (!closed) {
      const event = pending.shift();
      if (!event) {
        const woken = await new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          setTimeout(() => resolve(false), STORE_POLL_MS);
        });
        wake = undefined;
        if (!woken) {
          // a run executed by another server sharing the database: its news arrive through the store only
          await sendStored();
          const now = withoutPlan(await store.getRun(runId));
          if (FINISHED_STATUSES.includes(now.status) && pending.length === 0) {
            await sendStored();
            await sendEnd(now);
            return;
          }
        }
        continue;
      }
      if (event.type === "end") {
        await sendStored(); // anything stored after the last live event
        await sendEnd(event.run);
        return;
      }
      if (event.entry.seq > lastSeq) await send(event.entry);
    }
  } finally {
    unsubscribe();
  }
}

import type { SSEStreamingApi } from "hono/streaming";
import { z } from "zod";
import { TaskResult } from "../../study/contract.js";
import { StudyReport } from "../../study/report.js";
import { studyWorkbookBytes } from "../../study/workbook.js";
import { isFinished, type StudyRecord } from "../../store/studies.js";
import type { Store } from "../../store/types.js";
import { callerRole, inProject, inStudy } from "../access.js";
import { type EventStreams, REFUSED_STREAM_RESPONSE } from "../event-streams.js";
import { HttpProblem } from "../problem.js";
import type { ApiRouter } from "../router.js";
import { NewStudyBody, ProjectParams, StudyOut, StudyPageOut, StudyParams } from "../schemas.js";
import type { StudyManager } from "../studies.js";
import { workbookResponse, XLSX_TYPE } from "./workbooks.js";

/** How often a study's event stream looks at the store (results arrive from workers anywhere). */
const STREAM_POLL_MS = 500;

/**
 * Uncertainty studies: start one in a project, follow it (an event stream, counted in the server's `streams`),
 * cancel it, read its report and its results.
 */
export function studyRoutes(
  api: ApiRouter,
  store: Store,
  studies: StudyManager,
  streams: EventStreams,
): void {
  const tag = "studies";

  api.add(
    {
      method: "post",
      path: "/api/projects/:project/studies",
      operationId: "startStudy",
      access: inProject("editor"),
      summary:
        "Start an uncertainty study (Monte Carlo, tornado, grid, break-evens) over scenarios of the project; returns at once",
      tag,
      params: ProjectParams,
      body: NewStudyBody,
      responses: { 202: { description: "the queued study", schema: StudyOut } },
    },
    async (c, { params, body }) => {
      const project = await store.getProject(params.project);
      const principal = c.get("principal");
      const by = principal.kind === "user" ? principal.username : "local";
      const study = await studies.start(project.id, by, body.content, body.samples);
      c.header("location", `/api/studies/${study.id}`);
      return c.json(study, 202);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/projects/:project/studies",
      operationId: "listStudies",
      access: inProject("viewer"),
      summary: "The project's studies, oldest first",
      tag,
      params: ProjectParams,
      responses: { 200: { description: "the studies", schema: z.array(StudyOut) } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      return c.json(await store.studies.list({ projectId: project.id }));
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/studies/:studyId",
      operationId: "getStudy",
      access: inStudy("viewer"),
      summary: "A study: status, tasks done of those known so far, and the caller's role in its project",
      tag,
      params: StudyParams,
      responses: { 200: { description: "the study", schema: StudyPageOut } },
    },
    async (c, { params }) => {
      const study = await store.studies.get(params.studyId);
      // inStudy let the caller in: the study belongs to a project
      return c.json({ ...study, role: await callerRole(c, store, study.projectId ?? "") });
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/studies/:studyId/events",
      operationId: "followStudy",
      access: inStudy("viewer"),
      summary: "Server-sent events: `progress` while the study runs, then `end` with the study",
      tag,
      params: StudyParams,
      responses: {
        200: {
          description:
            "events `progress` (data: {status, done, total, phase?}: phase and its done/total where this server runs the study) and `end` (data: the study)",
          contentType: "text/event-stream",
          schema: z.string(),
        },
        429: REFUSED_STREAM_RESPONSE,
      },
    },
    async (c, { params }) =>
      streams.stream(c, "read the study", (stream) => followStudy(stream, store, studies, params.studyId)),
  );

  api.add(
    {
      method: "post",
      path: "/api/studies/:studyId/cancel",
      operationId: "cancelStudy",
      access: inStudy("editor"),
      summary:
        "Cancel a queued or running study: its waiting tasks leave the queue, late results are dropped",
      tag,
      params: StudyParams,
      responses: { 200: { description: "the study", schema: StudyOut } },
    },
    async (c, { params }) => c.json(await studies.cancel(params.studyId)),
  );

  api.add(
    {
      method: "get",
      path: "/api/studies/:studyId/report",
      operationId: "getStudyReport",
      access: inStudy("viewer"),
      summary:
        "The report of a succeeded study: NPV distributions, win probabilities, regrets, tornado, break-evens",
      tag,
      params: StudyParams,
      responses: { 200: { description: "the StudyReport", schema: StudyReport } },
    },
    async (c, { params }) => c.json(await reportOf(store, params.studyId)),
  );

  api.add(
    {
      method: "get",
      path: "/api/studies/:studyId/report/xlsx",
      operationId: "downloadStudyWorkbook",
      access: inStudy("viewer"),
      summary:
        "The report of a succeeded study as an Excel workbook: summary, options, every sample, parameters, tornado, grid, break-evens",
      tag,
      params: StudyParams,
      responses: { 200: { description: "the .xlsx workbook", contentType: XLSX_TYPE } },
    },
    async (c, { params }) => {
      const report = (await reportOf(store, params.studyId)) as StudyReport;
      const name = `study-${report.study.id}-${params.studyId.slice(0, 8)}.xlsx`;
      return workbookResponse(c, await studyWorkbookBytes(report), name);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/studies/:studyId/results",
      operationId: "getStudyResults",
      access: inStudy("viewer"),
      summary: "Every task's result so far (one per sample and option), by sample then option",
      tag,
      params: StudyParams,
      responses: { 200: { description: "the results", schema: z.array(TaskResult) } },
    },
    async (c, { params }) => c.json(await store.studies.results(params.studyId)),
  );
}

/** The stored report of a succeeded study; a 409 that says why where there is none. */
async function reportOf(store: Store, studyId: string): Promise<Record<string, unknown>> {
  const study = await store.studies.get(studyId);
  const report = study.status === "succeeded" ? await store.studies.report(studyId) : null;
  if (report === null) {
    const why = study.failureReason ? `: ${study.failureReason}` : "";
    throw new HttpProblem(
      409,
      isFinished(study.status)
        ? `study ${study.id} ${study.status} without a report${why}`
        : `study ${study.id} is ${study.status} (${study.done} tasks done): its report is not ready yet`,
    );
  }
  return report as Record<string, unknown>;
}

/** Progress from the store (workers anywhere write there) and this server's phase, until the study ends. */
async function followStudy(
  stream: SSEStreamingApi,
  store: Store,
  studies: StudyManager,
  studyId: string,
): Promise<void> {
  let closed = false;
  stream.onAbort(() => {
    closed = true;
  });
  let last = "";
  while (!closed) {
    const study: StudyRecord = await store.studies.get(studyId);
    if (isFinished(study.status)) {
      await stream.writeSSE({ event: "end", data: JSON.stringify(study) });
      return;
    }
    const phase = studies.progress(studyId);
    const progress = {
      status: study.status,
      done: study.done,
      total: study.total,
      ...(phase ? { phase } : {}),
    };
    const text = JSON.stringify(progress);
    if (text !== last) await stream.writeSSE({ event: "progress", data: text });
    last = text;
    await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS));
  }
}

import type { Context } from "hono";
import { z } from "zod";
import { comparisonWorkbookBytes, planWorkbookBytes } from "../../analysis/plan-workbook.js";
import { scenarioWorkbookBytes } from "../../domain/formats/xlsx/write.js";
import type { Plan } from "../../plan/types.js";
import { scenarioYaml } from "../../domain/formats/yaml-text.js";
import { readScenarioSource } from "../../domain/load.js";
import type { Store } from "../../store/types.js";
import { HttpProblem } from "../problem.js";
import { inRun, inScenario } from "../access.js";
import type { ApiRouter } from "../router.js";
import { parseStoredScenario } from "../scenario-text.js";
import { CompareQuery, RunParams, ScenarioParams, VersionOut, VersionParams } from "../schemas.js";
import { planOf } from "./runs.js";

/** Scenario versions as Excel workbooks, both ways (docs/excel.md). */

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ACCEPTED_TYPES = [XLSX_TYPE, "application/octet-stream"];

const UploadQuery = z.object({
  note: z.string().max(2000).optional(),
  baseVersion: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("the version the workbook was downloaded from; a newer save meanwhile makes this upload a 409"),
});
const DownloadQuery = z.object({
  diff: z
    .enum(["true", "false"])
    .optional()
    .describe(
      "true: only the version's differences from the base it extends (default: the resolved scenario)",
    ),
});

export function workbookRoutes(api: ApiRouter, store: Store): void {
  const tag = "workbooks";

  api.add(
    {
      method: "post",
      path: "/api/scenarios/:scenarioId/versions/xlsx",
      operationId: "uploadWorkbook",
      access: inScenario("editor"),
      summary:
        "Save an Excel workbook as the next version: validated like text (problems at Sheet!Cell, nothing saved when invalid), stored as YAML",
      tag,
      params: ScenarioParams,
      query: UploadQuery,
      rawBody: { contentTypes: ACCEPTED_TYPES, description: "the .xlsx workbook" },
      responses: { 201: { description: "the new version", schema: VersionOut } },
    },
    async (c, { params, query }) => {
      const bytes = await workbookBody(c);
      const scenario = await store.getScenario(params.scenarioId);
      const file = workbookName(scenario.fileName);
      await parseStoredScenario(store, bytes, file, scenario.projectId);
      const data = readScenarioSource(bytes, file).data as object;
      const version = await store.saveVersion(scenario.id, {
        content: scenarioYaml(data, `Uploaded as the workbook ${file}`),
        ...(query.note ? { note: query.note } : {}),
        ...(query.baseVersion ? { baseVersion: query.baseVersion } : {}),
      });
      c.header("location", `/api/scenarios/${scenario.id}/versions/${version.number}`);
      return c.json(version, 201);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId/versions/:number/xlsx",
      operationId: "downloadWorkbook",
      access: inScenario("viewer"),
      summary:
        "A version as an Excel workbook: the resolved scenario, or (diff=true) its differences from its base",
      tag,
      params: VersionParams,
      query: DownloadQuery,
      responses: { 200: { description: "the .xlsx workbook", contentType: XLSX_TYPE } },
    },
    async (c, { params, query }) => {
      const scenario = await store.getScenario(params.scenarioId);
      const version = await store.getVersion(scenario.id, params.number);
      const resolved = await parseStoredScenario(
        store,
        version.content,
        scenario.fileName,
        scenario.projectId,
      );
      let data: Record<string, unknown>;
      if (query.diff === "true") {
        if (resolved.extends === undefined)
          throw new HttpProblem(400, "this version does not extend a base: there are no differences to show");
        data = readScenarioSource(version.content, scenario.fileName).data as Record<string, unknown>;
      } else {
        const { extends: _, ...complete } = resolved;
        data = complete;
      }
      const stem = scenario.fileName.replace(/\.[^.]*$/, "");
      return workbookResponse(c, await scenarioWorkbookBytes(data), `${stem}-v${version.number}.xlsx`);
    },
  );
}

export function planWorkbookRoutes(api: ApiRouter, store: Store): void {
  api.add(
    {
      method: "get",
      path: "/api/runs/:runId/xlsx",
      operationId: "downloadPlanWorkbook",
      access: inRun("viewer"),
      summary:
        "The plan of a finished run as an Excel workbook: summary, allocations, events, flows, costs, checks",
      tag: "workbooks",
      params: RunParams,
      responses: { 200: { description: "the .xlsx workbook", contentType: XLSX_TYPE } },
    },
    async (c, { params }) => {
      const plan = (await planOf(store, params.runId)) as Plan;
      return workbookResponse(
        c,
        await planWorkbookBytes(plan),
        `plan-${plan.scenario.id}-${params.runId.slice(0, 8)}.xlsx`,
      );
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/compare/xlsx",
      operationId: "downloadComparisonWorkbook",
      access: { role: "viewer", projects: (i, s) => i.query.runs.map((id) => s.run(id)) },
      summary:
        "Plans of finished runs side by side, as an Excel workbook: KPIs and the decisions that differ",
      tag: "workbooks",
      query: CompareQuery,
      responses: { 200: { description: "the .xlsx workbook", contentType: XLSX_TYPE } },
    },
    async (c, { query }) => {
      const plans: Plan[] = [];
      for (const id of query.runs) plans.push((await planOf(store, id)) as Plan);
      return workbookResponse(c, await comparisonWorkbookBytes(plans), "comparison.xlsx");
    },
  );
}

/** The request's workbook: an .xlsx media type and a body; the body limit has already applied. */
async function workbookBody(c: Context): Promise<Uint8Array> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(type))
    throw new HttpProblem(415, `send the workbook as ${XLSX_TYPE}, not "${type || "none"}"`);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) throw new HttpProblem(400, "the request has no workbook: the body is empty");
  return bytes;
}

export function workbookResponse(c: Context, bytes: Uint8Array, fileName: string): Response {
  return c.body(bytes as unknown as ArrayBuffer, 200, {
    "content-type": XLSX_TYPE,
    "content-disposition": `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"`,
  });
}

/** Problems in an uploaded workbook name it after the scenario: base.yaml → base.xlsx. */
function workbookName(fileName: string): string {
  return `${fileName.replace(/\.[^.]*$/, "")}.xlsx`;
}

// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import ExcelJS from "exceljs";
import { XLSX_TYPE } from "../src/server/routes/workbooks.js";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisConnection } from "../src/study/queue.js";
import {
  api,
  type Child,
  clearSolveCache,
  kill,
  killAll,
  requiredEnv,
  scopedDatabase,
  startPortello,
  startServe,
  until,
} from "./fixtures/processes.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";
import { tinyStudyText } from "./fixtures/tiny-study.js";

/**
 * The study API of a real `portello serve --redis` with real `portello worker` processes, PostgreSQL and Redis:
 * start, follow over SSE, report and results; cancel; a study that survives a restart of its server and its
 * workers; and refusals that say what was wrong without telling what the caller did not send.
 */

const LEASE = 2;
let db: Awaited<ReturnType<typeof scopedDatabase>>;
let redisUrl: string;
const queue = `api-${process.pid}-${Date.now()}`;
let server: Child & { url: string };
const OPTIONS = ["base.yaml", "dear.yaml"];

beforeAll(async () => {
  redisUrl = requiredEnv("PORTELLO_TEST_REDIS_URL");
  db = await scopedDatabase("studyapi");
  server = await serve();
  await api(server.url, "/api/projects", { name: "Studies" });
  await api(server.url, "/api/projects/studies/scenarios", {
    name: "Base",
    fileName: "base.yaml",
    content: TINY_SCENARIO,
  });
  await api(server.url, "/api/projects/studies/scenarios", {
    name: "Dear money",
    fileName: "dear.yaml",
    content: "portello: 1\nextends: base.yaml\nid: dear\nname: Dear money\ndiscountRate: 0.12\n",
  });
});

afterAll(async () => {
  await killAll();
  await db?.drop();
});

function serve() {
  return startServe(db.url, ["--redis", redisUrl, "--queue", queue, "--lease", String(LEASE)]);
}

function worker(): Promise<Child> {
  return startPortello(
    [
      "worker",
      "--redis",
      redisUrl,
      "--database",
      db.url,
      "--queue",
      queue,
      "--lock-seconds",
      "3",
      "--stalled-seconds",
      "1",
    ],
    /ready on queue/,
  );
}

async function startStudy(base: string, samples: number) {
  return api(base, "/api/projects/studies/studies", {
    content: tinyStudyText({ samples, scenarios: OPTIONS }),
  });
}

const finished = (status: string) => ["succeeded", "failed", "cancelled"].includes(status);
const answers = (results: any[]) =>
  Object.fromEntries(results.map(({ seconds: _, ...r }) => [`${r.sample}:${r.option}`, r]));

let reference: Record<string, unknown>;

describe("the study API on the queue", () => {
  it("starts a study, streams its progress, and serves its report and results", async () => {
    const workers = [await worker(), await worker()];
    const study = await startStudy(server.url, 4);
    expect(study).toMatchObject({ status: "queued", createdBy: "local" });
    const stream = await api<string>(server.url, `/api/studies/${study.id}/events`);
    expect(stream).toMatch(/event: progress\ndata: \{"status":"running"/);
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    const done = await api(server.url, `/api/studies/${study.id}`);
    expect(done.done).toBe(done.total);
    const report = await api(server.url, `/api/studies/${study.id}/report`);
    expect(report.monteCarlo.samples).toBe(4);
    expect(report.run.engine).toBe("bullmq");
    // the same report as a workbook: every sample a row, its NPVs as the report has them
    const xlsx = await fetch(`${server.url}/api/studies/${study.id}/report/xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toBe(XLSX_TYPE);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as ExcelJS.Buffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Summary", "Options", "Samples", "Parameters"]);
    const samples = workbook.getWorksheet("Samples")!;
    expect(samples.rowCount).toBe(1 + 4);
    expect(samples.getRow(2).getCell(1).value).toBe(report.monteCarlo.draws[0].sample);
    const results = await api<any[]>(server.url, `/api/studies/${study.id}/results`);
    expect(results).toHaveLength(done.total);
    expect(new Set(results.map((r) => `${r.sample}:${r.option}`)).size).toBe(done.total);
    reference = answers(results);
    expect((await api<any[]>(server.url, "/api/projects/studies/studies")).map((s) => s.id)).toContain(
      study.id,
    );
    await Promise.all(workers.map((w) => kill(w.child, "SIGTERM")));
  });

  it("cancels a study: its waiting tasks leave the queue", async () => {
    const workers = [await worker()];
    const study = await startStudy(server.url, 40);
    await until(async () => (await api(server.url, `/api/studies/${study.id}`)).done >= 2);
    const cancelled = await api(server.url, `/api/studies/${study.id}/cancel`, {});
    expect(cancelled.status).toBe("cancelled");
    const connection = redisConnection(redisUrl);
    const jobs = new Queue(queue, { connection });
    const counts = await jobs.getJobCounts("waiting", "delayed", "prioritized", "paused");
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await jobs.close();
    connection.disconnect();
    const report = await fetch(`${server.url}/api/studies/${study.id}/report`);
    expect(report.status).toBe(409);
    expect(((await report.json()) as any).detail).toMatch(/cancelled without a report/);
    const xlsx = await fetch(`${server.url}/api/studies/${study.id}/report/xlsx`);
    expect(xlsx.status).toBe(409);
    expect(((await xlsx.json()) as any).detail).toMatch(/cancelled without a report/);
    await kill(workers[0]!.child, "SIGTERM");
  });

  it("finishes a study after its server and its workers were killed mid-study", async () => {
    await clearSolveCache(db.url); // its tasks are the first study's: solved, not answered from the cache
    let workers = [await worker()];
    const study = await startStudy(server.url, 4);
    await until(async () => (await api(server.url, `/api/studies/${study.id}`)).done >= 3);
    await Promise.all([server, ...workers].map((p) => kill(p.child)));

    server = await serve();
    workers = [await worker()];
    await until(async () => finished((await api(server.url, `/api/studies/${study.id}`)).status), 90);
    const after = await api(server.url, `/api/studies/${study.id}`);
    expect(after.status).toBe("succeeded");
    const results = await api<any[]>(server.url, `/api/studies/${study.id}/results`);
    expect(results).toHaveLength(after.total);
    // the same draws as the undisturbed study: the same answers
    expect(answers(results)).toEqual(reference);
    await Promise.all(workers.map((w) => kill(w.child, "SIGTERM")));
  });

  it("refuses a study naming a scenario the project lacks, saying which, and bad text, saying where", async () => {
    const missing = await fetch(`${server.url}/api/projects/studies/studies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: tinyStudyText({ scenarios: ["base.yaml", "../../etc/passwd"] }) }),
    });
    expect(missing.status).toBe(422);
    const body: any = await missing.json();
    expect(body.issues[0]).toMatchObject({ path: "options[1].scenario", line: expect.any(Number) });
    expect(body.detail).toMatch(/no scenario of this project has the file name "\.\.\/\.\.\/etc\/passwd"/);
    expect(body.detail).not.toMatch(/root:|\/work\/|\/home\//);

    const broken = await fetch(`${server.url}/api/projects/studies/studies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: tinyStudyText().replace("seed: 7", "seed: -1") }),
    });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as any).issues[0]).toMatchObject({ path: "seed", line: 4 });
  });
});

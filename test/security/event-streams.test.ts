// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_STREAM_RETRY_SECONDS } from "../../src/server/event-streams.js";
import { type OpenedStream, openEventStream } from "../fixtures/event-stream.js";
import { api, type Child, killAll, requiredEnv, scopedDatabase, startServe } from "../fixtures/processes.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";
import { tinyStudyText } from "../fixtures/tiny-study.js";

/**
 * One budget of event streams for the whole server, runs' and studies' together (src/server/event-streams.ts):
 * a real `portello serve --max-event-streams 3` on PostgreSQL and Redis. No `portello worker` runs, so the runs
 * and the study stay queued and their streams stay open, at no cost to the machine, until the test lets them go.
 */

const LIMIT = 3;
let db: Awaited<ReturnType<typeof scopedDatabase>>;
let server: Child & { url: string };
let port: number;
let runPath: string;
let otherRunPath: string;
let studyPath: string;

async function accepted(path: string): Promise<OpenedStream> {
  const stream = await openEventStream(port, path);
  expect(stream.status, `${path}: ${stream.status === 200 ? "" : await stream.text()}`).toBe(200);
  expect(stream.type).toMatch(/^text\/event-stream/);
  return stream;
}

/**
 * The refusal of a stream over the budget, as before the budget was shared: a 429 that names only the limit,
 * and says in Retry-After how many seconds to wait, like the sign-in 429s.
 */
async function refused(path: string, otherwise: string): Promise<void> {
  const stream = await openEventStream(port, path);
  if (stream.status === 200) {
    stream.drop();
    expect.fail(`${path}: a stream over the budget of ${LIMIT} was accepted`);
  }
  const text = await stream.text();
  expect(stream.status, text).toBe(429);
  expect(stream.type).toMatch(/^application\/problem\+json/);
  expect(stream.retryAfter).toBe(String(EVENT_STREAM_RETRY_SECONDS));
  expect(JSON.parse(text)).toEqual({
    type: expect.any(String),
    title: "Too many requests",
    status: 429,
    detail: `${LIMIT} event streams are open on this server: try again shortly, or ${otherwise}`,
  });
}

const refusedRun = (path = runPath) => refused(path, "read /progress");
const refusedStudy = () => refused(studyPath, "read the study");

/**
 * A stream the client dropped gives its place back once the server notices (its next look at the store): a new
 * one is accepted within a few seconds.
 */
async function acceptedOnceFreed(path: string): Promise<OpenedStream> {
  for (let tries = 0; tries < 50; tries++) {
    const stream = await openEventStream(port, path);
    if (stream.status === 200) return stream;
    await stream.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return accepted(path);
}

beforeAll(async () => {
  db = await scopedDatabase("eventstreams");
  const queue = `sse-${process.pid}-${Date.now()}`;
  server = await startServe(db.url, [
    "--redis",
    requiredEnv("PORTELLO_TEST_REDIS_URL"),
    "--queue",
    queue,
    "--max-event-streams",
    String(LIMIT),
  ]);
  port = Number(new URL(server.url).port);
  await api(server.url, "/api/projects", { name: "Streams" });
  const created = await api(server.url, "/api/projects/streams/scenarios", {
    name: "Base",
    fileName: "base.yaml",
    content: TINY_SCENARIO,
  });
  const scenarioId = created.scenario.id;
  const run = await api(server.url, `/api/scenarios/${scenarioId}/runs`, {});
  const otherRun = await api(server.url, `/api/scenarios/${scenarioId}/runs`, {});
  const study = await api(server.url, "/api/projects/streams/studies", { content: tinyStudyText() });
  runPath = `/api/runs/${run.id}/events`;
  otherRunPath = `/api/runs/${otherRun.id}/events`;
  studyPath = `/api/studies/${study.id}/events`;
});

afterAll(async () => {
  await killAll();
  await db?.drop();
});

describe("the event-stream budget", () => {
  it("is one budget for run and study streams: the next of either kind is refused until one closes", async () => {
    const run1 = await accepted(runPath);
    const run2 = await accepted(otherRunPath);
    const study1 = await accepted(studyPath);

    // 2 run streams and 1 study stream spend the budget of 3: neither kind gets a 4th
    await refusedRun();
    await refusedStudy();

    // a run stream's place goes to a study stream
    run1.drop();
    const study2 = await acceptedOnceFreed(studyPath);
    await refusedRun();
    await refusedStudy();

    // a study stream's place goes to a run stream
    study1.drop();
    const run3 = await acceptedOnceFreed(runPath);
    await refusedRun();
    await refusedStudy();

    // a stream the server ends (its run was cancelled) gives its place back too
    const ended = run3.text();
    await api(server.url, `${runPath.replace(/\/events$/, "")}/cancel`, {});
    expect(await ended).toMatch(/event: end\ndata: \{[^\n]*"status":"cancelled"/);
    const study3 = await acceptedOnceFreed(studyPath);
    await refusedStudy();
    await refusedRun(otherRunPath);

    for (const stream of [run2, study2, study3]) stream.drop();
    const again = [
      await acceptedOnceFreed(otherRunPath),
      await acceptedOnceFreed(studyPath),
      await acceptedOnceFreed(studyPath),
    ];
    // every place was given back once, none twice: still exactly 3
    await refusedRun(otherRunPath);
    await refusedStudy();
    for (const stream of again) stream.drop();
  });
});

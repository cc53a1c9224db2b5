import { afterAll, beforeAll, expect, it } from "vitest";
import { builtinResolver, parseScenarioText } from "../src/domain/load.js";
import { openPostgresStore } from "../src/store/postgres-store.js";
import type { SqlStore } from "../src/store/sql-store.js";
import type { PreparedStudy, StudyTask, TaskResult } from "../src/study/contract.js";
import { scopedDatabase } from "./fixtures/processes.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/**
 * What a study's follower relies on (src/study/bullmq-engine.ts): once `resultsAfter` has returned a result with
 * sequence number s, no result of that study with a smaller number can appear later — so reading on from s
 * misses nothing. Many workers storing at once on a real PostgreSQL put that to the test: a sequence number is
 * drawn before the row commits, and without the store's per-study lock a row drawn earlier could commit after
 * a later one had been read (seen in CI: a 3-worker study waited for ever for a result that was stored).
 */

const WRITERS = 6;
const IN_FLIGHT = 4;
const TASKS = 1200;

let db: Awaited<ReturnType<typeof scopedDatabase>>;
const stores: SqlStore[] = [];

beforeAll(async () => {
  db = await scopedDatabase("results_order");
  for (let i = 0; i < WRITERS + 1; i++) stores.push(await openPostgresStore(db.url));
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await db?.drop();
});

it("never lets a result appear behind one already read, with many workers storing at once", async () => {
  const scenario = await parseScenarioText(TINY_SCENARIO, "tiny.yaml", builtinResolver);
  const prepared: PreparedStudy = {
    id: "many-writers",
    options: [{ id: "base", label: "Base", scenario }],
    solver: {},
  };
  const tasks: StudyTask[] = Array.from({ length: TASKS }, (_, sample) => ({
    sample,
    option: "base",
    assignments: [],
  }));
  const [reader, ...writers] = stores as [SqlStore, ...SqlStore[]];
  await reader.studies.create({ prepared, tasks });
  await reader.studies.markRunning(prepared.id);

  const result = (sample: number): TaskResult => ({
    sample,
    option: "base",
    status: "optimal",
    npv: sample,
    bound: sample,
    gap: 0,
    served: 0,
    unmet: 0,
    seconds: 0,
    solveKey: `key-${sample}`,
    decisions: {},
  });
  let next = 0;
  const write = async (store: SqlStore) => {
    for (let sample = next++; sample < TASKS; sample = next++) {
      expect(await store.studies.saveResult(prepared.id, result(sample), "writer")).toBe(true);
    }
  };
  const writing = Promise.all(
    writers.flatMap((store) => Array.from({ length: IN_FLIGHT }, () => write(store))),
  );
  let finished = false;
  const done = () => {
    finished = true;
  };
  writing.then(done, done); // a failed write is reported by `await writing` below

  // the follower, as the engine reads: on from the last sequence number seen, as fast as it can
  const seen = new Set<number>();
  let seq = 0;
  for (;;) {
    const wasFinished = finished;
    const batch = await reader.studies.resultsAfter(prepared.id, seq);
    for (const row of batch) {
      seq = row.seq;
      seen.add(row.result.sample);
    }
    if (wasFinished && batch.length === 0) break;
  }
  await writing;
  expect((await reader.studies.results(prepared.id)).length).toBe(TASKS);
  const missed = tasks.filter((t) => !seen.has(t.sample)).map((t) => t.sample);
  expect(missed).toEqual([]);
});

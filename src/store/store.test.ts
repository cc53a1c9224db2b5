import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgliteStore } from "./pglite-store.js";
import { openPostgresStore } from "./postgres-store.js";
import { seedBuiltinProjects } from "./seed.js";
import { type SqlStore, contentHash } from "./sql-store.js";
import { hashPassword, newToken, secretHash, verifyPassword } from "./credentials.js";
import type { SqlDatabase } from "./sql.js";
import { StoreError } from "./types.js";

/** A backend under test: opens a store on the same data every time it is called, until cleanup. */
interface Backend {
  open(): Promise<SqlStore>;
  cleanup(): Promise<void>;
}

function pgliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), "portello-store-"));
  return {
    open: () => openPgliteStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Each run gets a fresh schema on the test database, so runs never see each other's rows. */
async function postgresBackend(url: string): Promise<Backend> {
  const schema = `t_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect(); // fails loudly when the server is unreachable: set means must work
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const scoped = new URL(url);
  scoped.searchParams.set("options", `-c search_path=${schema}`);
  return {
    open: () => openPostgresStore(scoped.toString()),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

const YAML_V1 = "portello: 1\nid: demo\nname: Démo — première\n";
const YAML_V2 = "portello: 1\nid: demo\nname: Demo two\n  \n# trailing spaces kept   \n";

function storeContract(name: string, makeBackend: () => Promise<Backend>) {
  describe(`Store contract: ${name}`, () => {
    let backend: Backend;
    let store: SqlStore;

    beforeAll(async () => {
      backend = await makeBackend();
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.close();
      await backend?.cleanup();
    });

    it("creates, lists and finds projects by id or slug; refuses a duplicate slug", async () => {
      const p = await store.createProject({ name: "Alfa Test", description: "d" });
      expect(p.slug).toBe("alfa-test");
      expect((await store.getProject(p.id)).name).toBe("Alfa Test");
      expect((await store.getProject("alfa-test")).id).toBe(p.id);
      expect((await store.listProjects()).map((x) => x.slug)).toContain("alfa-test");
      await expect(store.createProject({ name: "Alfa Test" })).rejects.toMatchObject({ kind: "conflict" });
      await expect(store.getProject("nope")).rejects.toBeInstanceOf(StoreError);
    });

    it("keeps every save as a new immutable version with its exact text and hash", async () => {
      const p = await store.createProject({ name: "Versions" });
      const { scenario, version } = await store.createScenario(p.id, { name: "Demo", content: YAML_V1 });
      expect(scenario.fileName).toBe("demo.yaml");
      expect(version).toMatchObject({ number: 1, contentHash: contentHash(YAML_V1), content: YAML_V1 });
      const v2 = await store.saveVersion(scenario.id, { content: YAML_V2, note: "second" });
      expect(v2.number).toBe(2);
      expect((await store.getVersion(scenario.id, 1)).content).toBe(YAML_V1);
      expect((await store.getVersion(scenario.id)).content).toBe(YAML_V2);
      const list = await store.listVersions(scenario.id);
      expect(list.map((v) => [v.number, v.note])).toEqual([
        [1, ""],
        [2, "second"],
      ]);
      expect(list[0]).not.toHaveProperty("content");
      expect((await store.getScenario(scenario.id)).latestVersion).toBe(2);
      await expect(store.getVersion(scenario.id, 9)).rejects.toMatchObject({ kind: "not-found" });
      await expect(
        store.createScenario(p.id, { name: "Other", fileName: "demo.yaml", content: "x" }),
      ).rejects.toMatchObject({ kind: "conflict" });
    });

    it("refuses a save based on a stale version, and adds nothing", async () => {
      const p = await store.createProject({ name: "Stale" });
      const { scenario } = await store.createScenario(p.id, { name: "S", content: YAML_V1 });
      await store.saveVersion(scenario.id, { content: YAML_V2, baseVersion: 1 });
      await expect(
        store.saveVersion(scenario.id, { content: "lost?", baseVersion: 1 }),
      ).rejects.toMatchObject({
        kind: "conflict",
      });
      expect((await store.listVersions(scenario.id)).length).toBe(2);
    });

    it("restores by appending a version whose content is the old one", async () => {
      const p = await store.createProject({ name: "Restore" });
      const { scenario } = await store.createScenario(p.id, { name: "R", content: YAML_V1 });
      await store.saveVersion(scenario.id, { content: YAML_V2 });
      const v3 = await store.restoreVersion(scenario.id, 1);
      expect(v3).toMatchObject({
        number: 3,
        restoredFrom: 1,
        content: YAML_V1,
        contentHash: contentHash(YAML_V1),
      });
      expect((await store.getVersion(scenario.id, 2)).content).toBe(YAML_V2);
      await expect(store.restoreVersion(scenario.id, 7)).rejects.toMatchObject({ kind: "not-found" });
    });

    it("numbers concurrent saves without gaps or duplicates", async () => {
      const p = await store.createProject({ name: "Concurrent" });
      const { scenario } = await store.createScenario(p.id, { name: "C", content: "v1" });
      const saved = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.saveVersion(scenario.id, { content: `v${i + 2}` })),
      );
      expect(saved.map((v) => v.number).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      for (const v of saved) expect((await store.getVersion(scenario.id, v.number)).content).toBe(v.content);
    });

    it("records a run: status, progress log in order, timings, plan; the first outcome wins", async () => {
      const p = await store.createProject({ name: "Runs" });
      const { scenario } = await store.createScenario(p.id, { name: "Run me", content: YAML_V1 });
      const run = await store.createRun({
        scenarioId: scenario.id,
        versionNumber: 1,
        solver: "highs",
        options: { timeLimitSeconds: 5 },
      });
      expect(run).toMatchObject({ status: "queued", versionNumber: 1, options: { timeLimitSeconds: 5 } });
      expect(await store.markRunStarted(run.id)).toBe(true);
      expect(await store.markRunStarted(run.id)).toBe(false);
      const first = await store.appendProgress(run.id, [
        { kind: "log", data: { message: "building" } },
        { kind: "progress", data: { gap: 0.5 } },
      ]);
      const second = await store.appendProgress(run.id, [{ kind: "progress", data: { gap: 0.1 } }]);
      expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await store.getProgress(run.id, 1)).map((e) => e.data)).toEqual([{ gap: 0.5 }, { gap: 0.1 }]);
      const plan = { npv: 1.5e9, flows: [{ program: "giulia", volume: 1234.5 }] };
      expect(await store.finishRun(run.id, { status: "succeeded", plan, timings: { solve: 0.25 } })).toBe(
        true,
      );
      expect(await store.finishRun(run.id, { status: "failed", failureReason: "late" })).toBe(false);
      const done = await store.getRun(run.id);
      expect(done).toMatchObject({ status: "succeeded", plan, timings: { solve: 0.25 } });
      expect(done.startedAt && done.finishedAt).toBeTruthy();
      expect((await store.listRuns({ scenarioId: scenario.id })).map((r) => r.id)).toEqual([run.id]);
      expect(await store.listRuns({ scenarioId: scenario.id, status: "failed" })).toEqual([]);
      await expect(
        store.createRun({ scenarioId: scenario.id, versionNumber: 5, solver: "highs" }),
      ).rejects.toMatchObject({ kind: "not-found" });
      await expect(store.getRun("missing")).rejects.toMatchObject({ kind: "not-found" });
    });

    it("keeps a run's bases; a finished run, its plan and its log never change, the database refusing it too", async () => {
      const p = await store.createProject({ name: "Sealed" });
      const { scenario } = await store.createScenario(p.id, { name: "S", content: YAML_V1 });
      const bases = [
        {
          label: "base.yaml",
          source: { kind: "stored" as const, scenarioId: scenario.id, version: 1, fileName: "base.yaml" },
          contentHash: contentHash(YAML_V1),
        },
      ];
      const run = await store.createRun({
        scenarioId: scenario.id,
        versionNumber: 1,
        solver: "highs",
        bases,
      });
      const rerun = await store.createRun({
        scenarioId: scenario.id,
        versionNumber: 1,
        solver: "highs",
        bases,
        rerunOf: run.id,
      });
      expect(rerun).toMatchObject({ bases, rerunOf: run.id });
      expect((await store.listRuns({ scenarioId: scenario.id }))[0]).toMatchObject({ bases });
      await store.appendProgress(run.id, [{ kind: "log", data: { message: "solving" } }]);
      const plan = { npv: 42 };
      expect(await store.finishRun(run.id, { status: "succeeded", plan })).toBe(true);

      expect(await store.finishRun(run.id, { status: "failed", failureReason: "again" })).toBe(false);
      await expect(store.appendProgress(run.id, [{ kind: "log", data: {} }])).rejects.toMatchObject({
        kind: "conflict",
      });
      // below the store, straight SQL: the triggers of migration 3
      const db = (store as unknown as { db: SqlDatabase }).db;
      await expect(db.query("UPDATE runs SET plan = '{}'::jsonb WHERE id = $1", [run.id])).rejects.toThrow(
        /finished run and its plan never change/,
      );
      await expect(db.query("UPDATE runs SET status = 'running' WHERE id = $1", [run.id])).rejects.toThrow(
        /never change/,
      );
      await expect(
        db.query("UPDATE run_progress SET kind = 'x' WHERE run_id = $1", [run.id]),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.query("INSERT INTO run_progress (run_id, seq, kind) VALUES ($1, 99, 'log')", [run.id]),
      ).rejects.toThrow(/progress log never changes/);
      expect(await store.getRun(run.id)).toMatchObject({ status: "succeeded", plan, bases });
      expect(await store.getProgress(run.id)).toHaveLength(1);
      // an unfinished run still moves on; the finished one stays as it was
      const interrupted = await store.markInterruptedRuns("restart");
      expect(interrupted).toContain(rerun.id);
      expect(interrupted).not.toContain(run.id);
    });

    it("marks queued and running runs failed at startup, leaving finished ones alone", async () => {
      const p = await store.createProject({ name: "Interrupted" });
      const { scenario } = await store.createScenario(p.id, { name: "I", content: YAML_V1 });
      const make = () => store.createRun({ scenarioId: scenario.id, versionNumber: 1, solver: "highs" });
      const [queued, running, done] = [await make(), await make(), await make()];
      await store.markRunStarted(running.id);
      await store.finishRun(done.id, { status: "cancelled" });
      const marked = await store.markInterruptedRuns("server restarted during the run");
      expect(marked.sort()).toEqual([queued.id, running.id].sort());
      expect(await store.getRun(running.id)).toMatchObject({
        status: "failed",
        failureReason: "server restarted during the run",
      });
      expect((await store.getRun(done.id)).status).toBe("cancelled");
    });

    it("with a shared database fails only runs whose lease ran out; a run held by a queue has none", async () => {
      const p = await store.createProject({ name: "Leases" });
      const { scenario } = await store.createScenario(p.id, { name: "L", content: YAML_V1 });
      const make = (extra: { lease?: { owner: string; seconds: number }; queue?: string }) =>
        store.createRun({ scenarioId: scenario.id, versionNumber: 1, solver: "highs", ...extra });
      const live = await make({ lease: { owner: "alive", seconds: 60 } });
      const dead = await make({ lease: { owner: "dead", seconds: 0.001 } });
      const unowned = await make({});
      const queued = await make({ queue: "portello-studies-runs" });
      await store.markRunStarted(queued.id); // a worker took it
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await store.renewRunLeases("alive", 60)).sort()).toEqual([live.id]);
      const reclaimed = await store.markInterruptedRuns("expired", true);
      expect(reclaimed.sort()).toEqual([dead.id, unowned.id].sort());
      expect((await store.getRun(queued.id)).status).toBe("running");
      // what a server re-adds to a queue that lost its jobs: the queue's unfinished runs only
      const waiting = await make({ queue: "portello-studies-runs" });
      const cancelled = await make({ queue: "portello-studies-runs" });
      await store.finishRun(cancelled.id, { status: "cancelled" });
      expect(await store.unfinishedRunsOf("queue/portello-studies-runs")).toEqual([queued.id, waiting.id]);
      await store.finishRun(waiting.id, { status: "cancelled" });
      // an embedded store's restart fails every unfinished run: it has no queue
      expect((await store.markInterruptedRuns("restart")).sort()).toEqual([live.id, queued.id].sort());
    });

    it("seeds built-in projects once, and never touches a seeded scenario again", async () => {
      const dir = mkdtempSync(join(tmpdir(), "portello-seed-"));
      mkdirSync(join(dir, "alfa"));
      writeFileSync(join(dir, "alfa", "variant.yaml"), "name: A variant\nextends: base.yaml\n");
      writeFileSync(join(dir, "alfa", "base.yaml"), "name: The base\n");
      try {
        expect(await seedBuiltinProjects(store, dir)).toBe(2);
        const project = await store.getProject("alfa-romeo");
        expect(project.builtin).toBe(true);
        const scenarios = await store.listScenarios(project.id);
        expect(scenarios.map((s) => [s.fileName, s.name])).toEqual([
          ["base.yaml", "The base"],
          ["variant.yaml", "A variant"],
        ]);
        await store.saveVersion(scenarios[0]!.id, { content: "name: edited by a user\n" });
        expect(await seedBuiltinProjects(store, dir)).toBe(0);
        expect((await store.getVersion(scenarios[0]!.id)).content).toBe("name: edited by a user\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("keeps every answer; the latest is the newest, per project", async () => {
      const p = await store.createProject({ name: "Answers" });
      const other = await store.createProject({ name: "Other answers" });
      await expect(store.latestAnswer(p.id)).rejects.toMatchObject({ kind: "not-found" });
      const first = await store.saveAnswer(p.id, "case-a", { answer: "no", npv: 1.5 });
      const second = await store.saveAnswer(p.id, "case-a", { answer: "yes", runs: { "x/y": "r1" } });
      await store.saveAnswer(other.id, "case-b", { answer: "elsewhere" });
      expect(first.id).not.toBe(second.id);
      expect(await store.latestAnswer(p.id)).toMatchObject({
        id: second.id,
        caseId: "case-a",
        content: { answer: "yes", runs: { "x/y": "r1" } },
      });
      expect((await store.latestAnswer(other.id)).content).toEqual({ answer: "elsewhere" });
      await expect(store.saveAnswer("no-such-project", "c", {})).rejects.toMatchObject({ kind: "not-found" });
    });

    it("keeps users, hashed tokens and sessions, roles and the audit log; a project keeps an owner", async () => {
      const accounts = store.accounts;
      const hash = await hashPassword("correct horse battery");
      const ann = await accounts.createUser("ann", hash);
      await accounts.createUser("bob", null);
      await expect(accounts.createUser("ann", null)).rejects.toMatchObject({ kind: "conflict" });
      expect(await accounts.hasUsers()).toBe(true);
      expect((await accounts.listUsers()).map((u) => [u.username, u.hasPassword])).toEqual([
        ["ann", true],
        ["bob", false],
      ]);
      const stored = await accounts.passwordHash("ann");
      expect(stored?.hash).toBe(hash);
      expect(await verifyPassword("correct horse battery", stored!.hash)).toBe(true);
      expect(await verifyPassword("correct horse batterY", stored!.hash)).toBe(false);
      expect(await accounts.passwordHash("bob")).toBeUndefined();

      const token = newToken();
      const created = await accounts.createToken("bob", "ci", secretHash(token));
      expect(JSON.stringify(await accounts.listTokens())).not.toContain(token);
      expect(await accounts.checkToken(secretHash(token))).toMatchObject({
        ok: true,
        user: { username: "bob" },
      });
      expect(await accounts.checkToken(secretHash(newToken()))).toEqual({ ok: false, reason: "unknown" });
      const old = newToken();
      await accounts.createToken("bob", "old", secretHash(old), new Date(Date.now() - 1000));
      expect(await accounts.checkToken(secretHash(old))).toEqual({ ok: false, reason: "expired" });
      await accounts.revokeToken(created.id.slice(0, 8));
      expect(await accounts.checkToken(secretHash(token))).toEqual({ ok: false, reason: "revoked" });

      await accounts.createSession(ann.id, secretHash("s1"), new Date(Date.now() + 60_000));
      await accounts.createSession(ann.id, secretHash("s0"), new Date(Date.now() - 1));
      expect(await accounts.checkSession(secretHash("s1"))).toMatchObject({ ok: true });
      expect(await accounts.checkSession(secretHash("s0"))).toEqual({ ok: false, reason: "expired" });
      await accounts.setPassword("ann", await hashPassword("another good password"));
      expect(await accounts.checkSession(secretHash("s1"))).toEqual({ ok: false, reason: "unknown" });

      const p = await store.createProject({ name: "Guarded", ownerId: ann.id });
      expect(await accounts.roleIn(ann.id, p.id)).toBe("owner");
      await expect(accounts.setMember(p.id, "ann", "viewer")).rejects.toMatchObject({ kind: "conflict" });
      await expect(accounts.removeMember(p.id, "ann")).rejects.toMatchObject({ kind: "conflict" });
      await expect(accounts.removeUser("ann")).rejects.toThrow(/only owner of guarded/);
      await accounts.setMember(p.id, "bob", "editor");
      expect((await accounts.listMembers(p.id)).map((m) => `${m.username}:${m.role}`)).toEqual([
        "ann:owner",
        "bob:editor",
      ]);
      await accounts.audit({
        actor: "ann",
        via: "session",
        action: "saveVersion",
        projectId: p.id,
        target: "/x",
        detail: {},
      });
      await accounts.audit({ actor: "ops", via: "cli", action: "users.add", target: "carl", detail: {} });
      expect((await accounts.listAudit({ projectId: p.id })).map((e) => e.action)).toEqual(["saveVersion"]);
      expect((await accounts.listAudit()).map((e) => e.action).slice(0, 2)).toEqual([
        "users.add",
        "saveVersion",
      ]);

      await store.deleteProject(p.id);
      await expect(store.getProject(p.id)).rejects.toMatchObject({ kind: "not-found" });
      expect(await accounts.rolesOf(ann.id)).toEqual(new Map());
      expect((await accounts.listAudit({ projectId: p.id })).length).toBe(1);
      await accounts.removeUser("bob");
      expect(await accounts.listTokens("bob")).toEqual([]);
    });

    it("keeps everything across close and reopen; migrations are applied once", async () => {
      const p = await store.createProject({ name: "Durable" });
      const { scenario } = await store.createScenario(p.id, { name: "D", content: YAML_V1 });
      await store.saveVersion(scenario.id, { content: YAML_V2 });
      await store.close();
      store = await backend.open();
      expect(await store.migrate()).toEqual([]);
      expect((await store.getVersion(scenario.id, 2)).content).toBe(YAML_V2);
      expect((await store.listVersions(scenario.id)).length).toBe(2);
    });
  });
}

describe("the embedded store's folder", () => {
  it("is refused to a second opener while open, and taken over from a process that died", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-lock-"));
    try {
      const first = await openPgliteStore(dir);
      await expect(openPgliteStore(dir)).rejects.toThrow(
        /open in another Portello process \(pid \d+, this one\): stop it first/,
      );
      await first.close();
      // a pid file left by a process that no longer runs
      writeFileSync(join(dir, "portello.pid"), "2147483646");
      const second = await openPgliteStore(dir);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

storeContract("PGlite (embedded)", async () => pgliteBackend());

const postgresUrl = process.env.PORTELLO_TEST_DATABASE_URL;
if (postgresUrl) storeContract("PostgreSQL server", () => postgresBackend(postgresUrl));
else {
  // a missing database is a failure, never a silent skip: the PostgreSQL backend would go untested
  describe("Store contract: PostgreSQL server", () => {
    it("has a database to run against", () => {
      expect.fail(
        "PORTELLO_TEST_DATABASE_URL is not set: run the tests with `npm test` (scripts/test.sh starts PostgreSQL), " +
          'or export PORTELLO_TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"',
      );
    });
  });
}

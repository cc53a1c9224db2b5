import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openPgliteStore } from "./pglite-store.js";
import { openPostgresStore } from "./postgres-store.js";
import { contentHash } from "./sql-store.js";
import type { Store } from "./types.js";

const WRITER = new URL("../../test/fixtures/store-crash-writer.ts", import.meta.url).pathname;

function versionText(n: number): string {
  return `portello: 1\nid: crash\nname: Version ${n}\n# ${"padding ".repeat(200)}\n`;
}

/** Starts the writer, waits for `acks` acknowledged saves, then SIGKILLs it mid-stream. */
async function killMidStream(args: string[], acks: number): Promise<{ scenarioId: string; acked: number }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += String(d);
  });
  let scenarioId = "";
  let acked = 0;
  let buffer = "";
  await new Promise<void>((resolve, reject) => {
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`writer exited early (${code}): ${stderr}`));
    });
    child.stdout!.on("data", (chunk) => {
      buffer += String(chunk);
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const [word, value] = line.split(" ");
        if (word === "scenario") scenarioId = value!;
        if (word === "ack") acked = Number(value);
      }
      if (acked >= acks && !child.killed) child.kill("SIGKILL");
    });
  });
  return { scenarioId, acked };
}

async function expectAcknowledgedIntact(store: Store, scenarioId: string, acked: number) {
  const versions = await store.listVersions(scenarioId);
  // every acknowledged version is there; at most the one in flight at the kill may also have committed
  expect(versions.length).toBeGreaterThanOrEqual(acked);
  expect(versions.length).toBeLessThanOrEqual(acked + 1);
  for (let n = 1; n <= acked; n++) {
    const v = await store.getVersion(scenarioId, n);
    expect(v.content).toBe(versionText(n));
    expect(v.contentHash).toBe(contentHash(versionText(n)));
  }
  // and the store still takes new saves after the crash
  const next = await store.saveVersion(scenarioId, { content: "after the crash" });
  expect(next.number).toBe(versions.length + 1);
}

describe("a writer killed with SIGKILL mid-save loses nothing it acknowledged", () => {
  it("PGlite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-crash-"));
    try {
      const { scenarioId, acked } = await killMidStream(["pglite", dir], 25);
      const store = await openPgliteStore(dir);
      try {
        await expectAcknowledgedIntact(store, scenarioId, acked);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL server", async () => {
    const url = process.env.PORTELLO_TEST_DATABASE_URL;
    // a missing database fails rather than skips: scripts/test.sh always sets it
    if (!url)
      expect.fail("PORTELLO_TEST_DATABASE_URL is not set: run `npm test`, or see scripts/start-postgres.sh");
    const schema = `crash_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const scoped = new URL(url!);
    scoped.searchParams.set("options", `-c search_path=${schema}`);
    try {
      const { scenarioId, acked } = await killMidStream(["postgres", scoped.toString()], 50);
      const store = await openPostgresStore(scoped.toString());
      try {
        await expectAcknowledgedIntact(store, scenarioId, acked);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});

// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_EXPIRED_REASON } from "../src/server/runs.js";
import { bigScenarioText } from "./fixtures/big-scenario.js";
import { api, exited, kill, killAll, scopedDatabase, startServe, until } from "./fixtures/processes.js";

/**
 * Two real `portello serve` processes on one PostgreSQL database. Each run has an owner and a lease: a server
 * starting, or sweeping, must leave another live server's runs alone, and fail only those whose server died.
 */
const LEASE = 2;
let db: Awaited<ReturnType<typeof scopedDatabase>>;

beforeAll(async () => {
  db = await scopedDatabase("shared");
});

afterAll(async () => {
  await killAll();
  await db?.drop();
});

const isFinished = (status: string) => ["succeeded", "failed", "cancelled"].includes(status);

describe("two servers sharing PostgreSQL", () => {
  it("leave each other's runs alone, and fail only the runs of a server that died", async () => {
    const a = await startServe(db.url, ["--lease", String(LEASE)]);
    await api(a.url, "/api/projects", { name: "Shared" });
    const { scenario } = await api(a.url, "/api/projects/shared/scenarios", {
      name: "Big",
      content: bigScenarioText({ plants: 12, programs: 16 }),
    });

    // A runs a solve with a time limit; B starts meanwhile, and sweeps for expired leases every LEASE/3 s
    const run = await api(a.url, `/api/scenarios/${scenario.id}/runs`, {
      options: { explain: false, timeLimitSeconds: 3 * LEASE + 2 },
    });
    await until(async () => (await api(a.url, `/api/runs/${run.id}`)).status === "running");
    const b = await startServe(db.url, ["--lease", String(LEASE)]);
    expect(b.output()).not.toMatch(/interrupted/);
    // B follows A's run through the store: its event stream ends when A records the outcome
    const stream = await api<string>(b.url, `/api/runs/${run.id}/events`);
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    expect((await api(b.url, `/api/runs/${run.id}`)).status).toBe("succeeded");

    // cancelled through B, a run of A stays cancelled: A's outcome cannot overwrite it
    const second = await api(a.url, `/api/scenarios/${scenario.id}/runs`, {
      options: { explain: false, timeLimitSeconds: 600 },
    });
    await until(async () => (await api(a.url, `/api/runs/${second.id}`)).status === "running");
    expect((await api(b.url, `/api/runs/${second.id}/cancel`, {})).status).toBe("cancelled");

    // A dies during a run: B fails it once A's lease has run out, not before
    const third = await api(a.url, `/api/scenarios/${scenario.id}/runs`, {
      options: { explain: false, timeLimitSeconds: 600 },
    });
    await until(async () => (await api(a.url, `/api/runs/${third.id}`)).status === "running");
    await kill(a.child);
    const killedAt = Date.now();
    await until(async () => isFinished((await api(b.url, `/api/runs/${third.id}`)).status), 30);
    const reclaimed = await api(b.url, `/api/runs/${third.id}`);
    expect(reclaimed).toMatchObject({ status: "failed", failureReason: LEASE_EXPIRED_REASON });
    // the lease was renewed at most LEASE/3 s before the kill
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(((2 * LEASE) / 3) * 1000 - 200);
    expect((await api(b.url, `/api/runs/${second.id}`)).status).toBe("cancelled");

    b.child.kill("SIGTERM");
    expect(await exited(b.child)).toEqual({ code: 0, signal: null });
  });
});

// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { RunManager } from "../src/server/runs.js";
import { newToken, secretHash } from "../src/store/credentials.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import type { Store } from "../src/store/types.js";
import { addUser, type TestUser } from "./fixtures/accounts.js";

/** Signing in and out, the session cookie, brute-force limits, and how credentials are refused. */

let dir: string;
let store: Store;
let runs: RunManager;
let app: Hono;
let ann: TestUser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-auth-"));
  store = await openPgliteStore(join(dir, "data"));
  runs = new RunManager(store, 1);
  app = createApp({
    store,
    runs,
    auth: "required",
    webDir: join(dir, "none"),
    signInLimits: { perAccount: 3, perAddress: 6, windowMs: 60_000 },
  });
  ann = await addUser(store, "ann");
  await store.createProject({ name: "Ann's", slug: "anns", ownerId: ann.id });
});

afterAll(async () => {
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn = (username: string, password: string, headers: Record<string, string> = {}) =>
  app.request("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ username, password }),
  });

async function expect401(res: Response, detail: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="portello"/);
  const body = (await res.json()) as any;
  expect(body).toMatchObject({ status: 401, title: "Unauthorized" });
  expect(body.detail).toMatch(detail);
  return body.detail as string;
}

describe("a server that requires sign-in", () => {
  it("refuses reads without credentials, and says how to get them", async () => {
    await expect401(
      await app.request("/api/projects"),
      /Authorization: Bearer <token>.*portello tokens create/,
    );
    await expect401(await app.request("/api/atlas/plants"), /sign in first/);
    expect((await app.request("/api/health")).status).toBe(200);
    expect(await (await app.request("/api/session")).json()).toEqual({ authRequired: true, user: null });
  });

  it("signs in with a session cookie (HttpOnly, SameSite=Strict, Secure behind https) and out again", async () => {
    const res = await signIn("ann", ann.password);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^portello_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    const session = cookie.split(";")[0]!;
    const headers = { cookie: session };
    expect(await (await app.request("/api/session", { headers })).json()).toEqual({
      authRequired: true,
      user: { username: "ann", via: "session" },
    });
    expect((await app.request("/api/projects", { headers })).status).toBe(200);
    // the store keeps only a hash of the session id
    const id = session.split("=")[1]!;
    expect(await store.accounts.checkSession(secretHash(id))).toMatchObject({ ok: true });

    const out = await app.request("/api/session", { method: "DELETE", headers });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/portello_session=;.*Max-Age=0/);
    await expect401(await app.request("/api/projects", { headers }), /session has ended/);
    // a stale cookie does not stand in the way of signing in again
    expect((await signIn("ann", ann.password, headers)).status).toBe(200);

    const secure = await signIn("ann", ann.password, { "x-forwarded-proto": "https" });
    expect(secure.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("limits failed sign-ins per account, then per address: 429 with Retry-After", async () => {
    const victim = await addUser(store, "victim");
    for (let i = 0; i < 3; i++)
      await expect401(await signIn("victim", "wrong password!"), /^wrong user name or password$/);
    const blocked = await signIn("victim", victim.password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(((await blocked.json()) as any).detail).toMatch(/too many failed sign-ins/);
    // another account from the same address: three more failures reach the address's limit of six
    for (let i = 0; i < 3; i++)
      await expect401(await signIn(`nobody${i}`, "wrong password!"), /wrong user name/);
    expect((await signIn("ann", ann.password)).status).toBe(429);
  });
});

describe("a burst of parallel guesses", () => {
  it("has at most the account's limit of passwords checked; the rest get 429 at once", async () => {
    const limited = createApp({
      store,
      runs,
      auth: "required",
      webDir: join(dir, "none"),
      signInLimits: { perAccount: 3, perAddress: 1000, windowMs: 60_000 },
    });
    await addUser(store, "target");
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limited.request("/api/session", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "target", password: `guess number ${i}` }),
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(3);
    expect(statuses.filter((s) => s === 429).length).toBe(17);
  });
});

describe("malformed or dead credentials get a clear 401, never a 500, never an echo", () => {
  const secret = "pt_THIS_IS_NOT_A_REAL_TOKEN_xxxxxxxxxxxxxxxxxxxxxx";
  const cases: [string, string, RegExp][] = [
    ["empty Authorization", "", /must be `Bearer <token>`/],
    ["scheme only", "Bearer", /must be `Bearer <token>`/],
    ["two tokens", `Bearer ${newToken()} ${newToken()}`, /must be `Bearer <token>`/],
    ["Basic scheme", "Basic YW5uOnB3", /must be `Bearer <token>`/],
    ["wrong prefix", `Bearer xx_${newToken().slice(3)}`, /not a Portello API token/],
    ["too short", "Bearer pt_abc", /not a Portello API token/],
    ["huge", `Bearer pt_${"A".repeat(20_000)}`, /not a Portello API token/],
    ["non-ASCII", `Bearer pt_${"é".repeat(43)}`, /not a Portello API token/],
    ["unknown", `Bearer ${newToken()}`, /token is not valid/],
    ["a secret-looking string", `Bearer ${secret}`, /not a Portello API token/],
  ];
  for (const [name, header, detail] of cases) {
    it(`token: ${name}`, async () => {
      const text = await expect401(
        await app.request("/api/projects", { headers: { authorization: header } }),
        detail,
      );
      expect(text).not.toContain(header.slice(7, 20) || "\u0000");
    });
  }

  it("token: revoked, expired", async () => {
    const revoked = newToken();
    const t = await store.accounts.createToken("ann", "old", secretHash(revoked));
    await store.accounts.revokeToken(t.id);
    await expect401(
      await app.request("/api/projects", { headers: { authorization: `Bearer ${revoked}` } }),
      /revoked/,
    );
    const expired = newToken();
    await store.accounts.createToken("ann", "old", secretHash(expired), new Date(Date.now() - 1000));
    await expect401(
      await app.request("/api/projects", { headers: { authorization: `Bearer ${expired}` } }),
      /valid until a date now past/,
    );
  });

  const cookies: [string, string][] = [
    ["empty", "portello_session="],
    ["huge", `portello_session=${"A".repeat(8000)}`],
    ["non-ASCII", "portello_session=%C3%A9%C3%A9"],
    ["unknown", `portello_session=${"A".repeat(43)}`],
  ];
  for (const [name, cookie] of cookies) {
    it(`cookie: ${name}`, async () => {
      await expect401(await app.request("/api/projects", { headers: { cookie } }), /session has ended/);
    });
  }

  it("cookie: expired session", async () => {
    const id = "expired-session-id-0123456789";
    await store.accounts.createSession(ann.id, secretHash(id), new Date(Date.now() - 1000));
    await expect401(
      await app.request("/api/projects", { headers: { cookie: `portello_session=${id}` } }),
      /session has ended/,
    );
  });
});

describe("a loopback server", () => {
  it("asks nobody to sign in while no user exists, and everyone from the moment one does", async () => {
    const local = await openPgliteStore(join(dir, "loopback"));
    try {
      const open = createApp({ store: local, webDir: join(dir, "none") });
      expect(await (await open.request("/api/session")).json()).toEqual({ authRequired: false, user: null });
      const created = await open.request("/api/projects", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Mine" }),
      });
      expect(created.status).toBe(201);
      expect((await local.accounts.listAudit())[0]).toMatchObject({
        actor: "local",
        via: "local",
        action: "createProject",
      });
      await addUser(local, "first");
      await expect401(await open.request("/api/projects"), /sign in first/);
      expect((await open.request("/api/health")).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

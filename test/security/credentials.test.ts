import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newToken, secretHash } from "../../src/store/credentials.js";
import { openPgliteStore } from "../../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../../src/store/seed.js";
import { addUser, type TestUser } from "../fixtures/accounts.js";
import {
  call,
  expectProblem,
  healthMs,
  type ServerProcess,
  snapshot,
  startServer,
  tempDataDir,
} from "./server.js";

/**
 * Malformed, dead and forged credentials against a real `portello serve` whose store has a user (so it asks
 * everyone to sign in): each a clear 401 problem that never echoes what was sent, the server answering its
 * health check throughout, and nothing stored changing.
 */

let server: ServerProcess;
let ann: TestUser;
const revoked = newToken();
const expired = newToken();
const expiredSession = "an-expired-session-id-0123456789abcdef";

beforeAll(async () => {
  const dataDir = tempDataDir();
  const store = await openPgliteStore(dataDir);
  await seedBuiltinProjects(store);
  ann = await addUser(store, "ann");
  await store.accounts.setMember((await store.getProject("alfa-romeo")).id, "ann", "owner");
  const old = await store.accounts.createToken("ann", "old", secretHash(revoked));
  await store.accounts.revokeToken(old.id);
  await store.accounts.createToken("ann", "stale", secretHash(expired), new Date(Date.now() - 60_000));
  await store.accounts.createSession(ann.id, secretHash(expiredSession), new Date(Date.now() - 60_000));
  await store.close();
  server = await startServer(dataDir);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

/** [what, header name, value, the reason the answer must give] */
const ATTEMPTS: [string, "authorization" | "cookie", string, RegExp][] = [
  ["empty Authorization", "authorization", "", /must be `Bearer <token>`/],
  ["scheme only", "authorization", "Bearer", /must be `Bearer <token>`/],
  [
    "Basic credentials",
    "authorization",
    `Basic ${Buffer.from("ann:pw").toString("base64")}`,
    /must be `Bearer/,
  ],
  ["two tokens", "authorization", `Bearer ${newToken()} ${newToken()}`, /must be `Bearer <token>`/],
  ["wrong prefix", "authorization", `Bearer gh_${newToken().slice(3)}`, /not a Portello API token/],
  ["token too short", "authorization", "Bearer pt_short", /not a Portello API token/],
  ["huge token (8 KB)", "authorization", `Bearer pt_${"x".repeat(8000)}`, /not a Portello API token/],
  ["non-ASCII token", "authorization", `Bearer pt_${"\u00e9".repeat(43)}`, /not a Portello API token/],
  ["SQL in the token", "authorization", "Bearer pt_' OR '1'='1' --", /must be `Bearer <token>`/],
  ["unknown token", "authorization", `Bearer ${newToken()}`, /token is not valid/],
  ["revoked token", "authorization", `Bearer ${revoked}`, /revoked/],
  ["expired token", "authorization", `Bearer ${expired}`, /valid until a date now past/],
  ["empty cookie", "cookie", "portello_session=", /session has ended/],
  ["huge cookie (8 KB)", "cookie", `portello_session=${"x".repeat(8000)}`, /session has ended/],
  ["non-ASCII cookie", "cookie", "portello_session=%E2%82%AC%E2%82%AC", /session has ended/],
  ["unknown session", "cookie", `portello_session=${"A".repeat(43)}`, /session has ended/],
  ["expired session", "cookie", `portello_session=${expiredSession}`, /session has ended/],
  ["cookie of another name", "cookie", `session=${"A".repeat(43)}`, /sign in first/],
];

describe("credentials that do not hold", () => {
  it("each get 401 problem+json with a reason, never an echo; the server stays up; nothing changes", async () => {
    const auth = { authorization: `Bearer ${ann.token}` };
    const before = await snapshot(server.url, undefined, auth);
    const slowest: number[] = [];
    for (const [what, name, value, reason] of ATTEMPTS) {
      for (const [method, path, body] of [
        ["GET", "/api/projects", undefined],
        ["POST", "/api/projects", { name: `Forged ${what}` }],
      ] as const) {
        const reply = await call(server.url, method, path, body, { [name]: value });
        expectProblem(reply, 401);
        expect(reply.body.detail, what).toMatch(reason);
        expect(reply.text, what).not.toContain(value.slice(name === "cookie" ? 17 : 7, 40) || "\u0000");
      }
      slowest.push(await healthMs(server.url));
    }
    expect(Math.max(...slowest)).toBeLessThan(1000);
    console.log(
      `credentials: ${ATTEMPTS.length * 2} requests, all 401 problem+json; ${slowest.length} health checks, ` +
        `slowest ${Math.round(Math.max(...slowest))} ms`,
    );
    expect(await snapshot(server.url, undefined, auth)).toBe(before);
    // the real credentials still work after all that
    expect((await call(server.url, "GET", "/api/projects", undefined, auth)).status).toBe(200);
  });
});

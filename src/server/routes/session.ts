import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { hashPassword, newSessionId, secretHash, verifyPassword } from "../../store/credentials.js";
import type { Store } from "../../store/types.js";
import { unauthorized } from "../access.js";
import { SESSION_COOKIE } from "../auth.js";
import { tooManyRequests } from "../problem.js";
import type { SignInLimiter } from "../rate-limit.js";
import type { ApiRouter } from "../router.js";

/** A browser session lasts this long from sign-in, whatever happens meanwhile. */
export const SESSION_HOURS = 12;

const SignInBody = z.strictObject({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

const SessionOut = z.object({
  authRequired: z.boolean().describe("false on a loopback server without users: nobody needs to sign in"),
  user: z.object({ username: z.string(), via: z.enum(["session", "token"]) }).nullable(),
});

const WRONG = "wrong user name or password";
/** scrypt checks at once (32 MiB each): a flood of sign-ins cannot take the memory or the crypto threads */
const MAX_CONCURRENT_CHECKS = 8;

/** Signing in and out of the web app: a server-side session behind an HttpOnly, SameSite=Strict cookie. */
export function sessionRoutes(api: ApiRouter, store: Store, limiter: SignInLimiter): void {
  const tag = "session";
  let decoy: Promise<string> | undefined;
  let verifying = 0;
  /** the user, when the password is theirs; an unknown user costs the same scrypt, so timing tells nothing */
  const checkPassword = async (username: string, password: string) => {
    verifying++;
    try {
      const stored = await store.accounts.passwordHash(username);
      decoy ??= hashPassword("portello-decoy-password");
      const ok = await verifyPassword(password, stored?.hash ?? (await decoy));
      return ok ? stored?.user : undefined;
    } finally {
      verifying--;
    }
  };

  api.add(
    {
      method: "get",
      path: "/api/session",
      operationId: "getSession",
      summary: "Whether this server asks for sign-in, and who is signed in",
      tag,
      access: "public",
      responses: { 200: { description: "the session", schema: SessionOut } },
    },
    (c) => {
      const principal = c.get("principal");
      return c.json({
        authRequired: principal.kind !== "local",
        user: principal.kind === "user" ? { username: principal.username, via: principal.via } : null,
      });
    },
  );

  api.add(
    {
      method: "post",
      path: "/api/session",
      operationId: "signIn",
      summary: "Sign in with user name and password: sets the session cookie",
      tag,
      access: "public",
      audit: false,
      body: SignInBody,
      responses: {
        200: { description: "signed in", schema: z.object({ username: z.string(), expiresAt: z.string() }) },
        429: { description: "too many failed attempts for this account or from this address" },
      },
    },
    async (c, { body }) => {
      const username = body.username.trim().toLowerCase();
      const address = clientAddress(c);
      if (verifying >= MAX_CONCURRENT_CHECKS)
        throw tooManyRequests("too many sign-ins at this moment: try again in 1 s", 1);
      const wait = limiter.begin(username, address);
      if (wait > 0) {
        throw tooManyRequests(
          `too many failed sign-ins for this account or from this address: try again in ${wait} s`,
          wait,
        );
      }
      const user = await checkPassword(username, body.password);
      if (!user) throw unauthorized(WRONG);
      limiter.succeeded(username, address);
      const id = newSessionId();
      const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
      await store.accounts.createSession(user.id, secretHash(id), expiresAt);
      setCookie(c, SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c),
        path: "/",
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json({ username: user.username, expiresAt: expiresAt.toISOString() });
    },
  );

  api.add(
    {
      method: "delete",
      path: "/api/session",
      operationId: "signOut",
      summary: "Sign out: ends the session on the server and clears the cookie",
      tag,
      access: "public",
      audit: false,
      responses: { 204: { description: "signed out (also when nobody was signed in)" } },
    },
    async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      if (id) await store.accounts.deleteSession(secretHash(id));
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Strict" });
      return c.body(null, 204);
    },
  );
}

/** The peer's address; behind a reverse proxy, that of the proxy (see docs/security.md). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (tests) have no socket
  }
}

/** The cookie is Secure when the page was served over https (directly, or by a TLS-terminating proxy). */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { TOKEN_PATTERN, TOKEN_PREFIX, secretHash } from "../store/credentials.js";
import type { Store } from "../store/types.js";
import { type Principal, unauthorized } from "./access.js";

/**
 * Who is calling, from `Authorization: Bearer <token>` or the session cookie.
 *
 * - "required": every request needs credentials, except the few public routes (a server on the network).
 * - "loopback" (default): while no user exists, everyone is the single local user and nothing is asked
 *   (the `npm start` experience); from the moment a user exists, as "required" — otherwise anyone on the
 *   machine could bypass the users someone took the trouble to create.
 *
 * A token that is presented but wrong is refused with 401 on every route, rather than silently treated as
 * anonymous, so that a script learns at once that its token no longer works. A stale session cookie makes
 * the caller anonymous (with the reason kept for the 401), so that the browser can still sign in again.
 */
export type AuthMode = "required" | "loopback";

export const SESSION_COOKIE = "portello_session";
const MAX_CREDENTIAL_LENGTH = 512;

export function identify(store: Store, mode: AuthMode): MiddlewareHandler {
  let usersExist = false; // once true it stays true for the process: the safe direction
  return async (c, next) => {
    if (mode === "loopback" && !usersExist) usersExist = await store.accounts.hasUsers();
    if (mode === "loopback" && !usersExist) {
      c.set("principal", { kind: "local" });
      return next();
    }
    c.set("principal", await principalOf(c, store));
    return next();
  };
}

async function principalOf(c: Context, store: Store): Promise<Principal> {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const token = bearerToken(header);
    const check = await store.accounts.checkToken(secretHash(token));
    if (!check.ok) {
      throw unauthorized(
        check.reason === "unknown"
          ? "the token is not valid: create one with `portello tokens create <user>`"
          : `the token was ${check.reason === "revoked" ? "revoked" : "valid until a date now past"}: create a new one with \`portello tokens create <user>\``,
      );
    }
    return { kind: "user", id: check.user.id, username: check.user.username, via: "token" };
  }
  const sessionId = getCookie(c, SESSION_COOKIE);
  if (sessionId !== undefined) {
    const check = isPrintable(sessionId)
      ? await store.accounts.checkSession(secretHash(sessionId))
      : ({ ok: false, reason: "unknown" } as const);
    if (check.ok) return { kind: "user", id: check.user.id, username: check.user.username, via: "session" };
    // anonymous rather than refused, so that the sign-in routes still work with a stale cookie
    return { kind: "anonymous", why: "your session has ended (expired or signed out): sign in again" };
  }
  return { kind: "anonymous" };
}

/** The token of `Bearer <token>`; everything else is refused with a reason and without echoing it. */
function bearerToken(header: string): string {
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match) {
    throw unauthorized("the Authorization header must be `Bearer <token>`, with one token and nothing else");
  }
  const token = match[1]!;
  if (token.length > MAX_CREDENTIAL_LENGTH || !TOKEN_PATTERN.test(token)) {
    throw unauthorized(
      `that is not a Portello API token: they are "${TOKEN_PREFIX}" followed by 43 letters, digits, '-' or '_'`,
    );
  }
  return token;
}

function isPrintable(value: string): boolean {
  return value.length > 0 && value.length <= MAX_CREDENTIAL_LENGTH && /^[\x21-\x7e]+$/.test(value);
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

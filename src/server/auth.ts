import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { problem, problemResponse } from "./problem.js";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every write needs `Authorization: Bearer <token>` when a token is set (the server sets one whenever it
 * listens beyond localhost). Reads stay open.
 */
export function requireTokenForWrites(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token || READS.has(c.req.method)) return next();
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
    if (sameSecret(given, token)) return next();
    const detail = given
      ? "the token is wrong"
      : "this server needs a token for writes: send the header `Authorization: Bearer <token>`";
    return problemResponse(c, problem(401, detail), { "www-authenticate": 'Bearer realm="portello"' });
  };
}

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

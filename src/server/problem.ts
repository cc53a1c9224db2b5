import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { type ValidationIssue, ValidationError, formatIssue } from "../domain/issues.js";
import { StoreError } from "../store/types.js";

/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Scenario problems carry the same
 * `file:line:col: path: message` lines as the CLI, in `issues[].text`.
 */
export const ProblemIssue = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  sheet: z.string().optional().describe("in a workbook: the sheet"),
  cell: z.string().optional().describe("in a workbook: the cell, e.g. E4"),
  field: z.string().optional().describe("in a workbook: the column's words, e.g. capacity per shift"),
  path: z.string(),
  expected: z.string(),
  found: z.string().optional(),
  message: z.string(),
  text: z
    .string()
    .describe(
      "the issue as the CLI prints it: file:line:col: path: message (workbooks: file: Sheet!Cell: field: message)",
    ),
});

export const Problem = z
  .object({
    type: z.string().describe("a URI naming the kind of problem"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    issues: z.array(ProblemIssue).optional(),
  })
  .describe("RFC 9457 problem details");
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  408: "Request timeout",
  409: "Conflict",
  413: "Request too large",
  415: "Unsupported media type",
  422: "Invalid scenario",
  429: "Too many requests",
  431: "Request headers too large",
  500: "Internal error",
};

const TYPES: Record<number, string> = {
  400: "bad-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  408: "timeout",
  409: "conflict",
  413: "too-large",
  415: "unsupported-media-type",
  422: "invalid-scenario",
  429: "too-many-requests",
  431: "headers-too-large",
  500: "internal",
};

/** An error a handler throws on purpose: turned into a problem response with this status. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    detail: string,
    readonly issues?: ValidationIssue[],
    readonly title?: string,
    /** response headers that go with the problem, e.g. WWW-Authenticate, Retry-After */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

/** A 429 that tells the caller, in `Retry-After`, how many seconds to wait before trying again. */
export function tooManyRequests(detail: string, retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(429, detail, undefined, undefined, { "retry-after": String(retryAfterSeconds) });
}

export function problem(status: number, detail: string, issues?: ValidationIssue[], title?: string): Problem {
  const body: Problem = {
    type: `https://portello.dev/problems/${TYPES[status] ?? "error"}`,
    title: title ?? TITLES[status] ?? "Error",
    status,
    detail,
  };
  if (issues) body.issues = issues.map((i) => ({ ...i, text: formatIssue(i) }));
  return body;
}

export function problemResponse(c: Context, body: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    "content-type": "application/problem+json",
    ...headers,
  });
}

/** Maps any error to a problem; unexpected ones become a 500 without internals (logged by the caller). */
export function toProblem(error: unknown): {
  body: Problem;
  unexpected: boolean;
  headers?: Record<string, string>;
} {
  if (error instanceof HttpProblem) {
    const body = problem(error.status, error.message, error.issues, error.title);
    return { body, unexpected: false, headers: error.headers };
  }
  if (error instanceof ValidationError) {
    const n = error.issues.length;
    const detail = `${n} problem${n === 1 ? "" : "s"} found:\n${error.issues.map(formatIssue).join("\n")}`;
    return { body: problem(422, detail, error.issues), unexpected: false };
  }
  if (error instanceof StoreError) {
    return { body: problem(error.kind === "not-found" ? 404 : 409, error.message), unexpected: false };
  }
  return { body: problem(500, "unexpected server error; the server log has the details"), unexpected: true };
}

/** Issues from a zod failure on request input, located at "<request>" with their field path. */
export function requestIssues(error: z.ZodError, where: "body" | "query" | "path"): ValidationIssue[] {
  return error.issues.map((i) => {
    const path = [where, ...i.path.map(String)].join(".");
    return { file: "<request>", path, expected: i.message, message: i.message };
  });
}

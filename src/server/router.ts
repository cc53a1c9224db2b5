import type { Context, Hono } from "hono";
import { z } from "zod";
import type { Access } from "./access.js";
import { HttpProblem, Problem, requestIssues } from "./problem.js";

/**
 * Routes declared once with their zod schemas: the same schemas validate each request and generate the
 * OpenAPI document, so the two cannot drift apart.
 */
export type Method = "get" | "post" | "put" | "delete";

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: Method;
  /** Hono syntax: /api/scenarios/:scenarioId */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** a body that is not JSON (a workbook): the handler reads it; listed here for the OpenAPI document */
  rawBody?: { contentTypes: string[]; description: string };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** who may call it (checked before the handler runs): see access.ts */
  access: Access<RouteInput<P, Q, B>>;
  /** writes go to the audit log once they succeed; false for writes that change no project data */
  audit?: false;
}

/** What the router asks of the server around every handler: the access check, and the audit of writes. */
export interface RouteGuard {
  /** before the request is read: refuses the anonymous caller of a route that is not public */
  authenticate(c: Context, access: Access<unknown>): void;
  /** after the request is validated: checks the caller's role in the projects it names */
  authorize(c: Context, access: Access<unknown>, input: unknown): Promise<void>;
  audit(c: Context, route: RouteSpec<AnyObject, AnyObject, z.ZodType>, response: Response): Promise<void>;
}

export interface RouteInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
}

type Handler<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = (
  c: Context,
  input: RouteInput<P, Q, B>,
) => Promise<Response> | Response;

const EMPTY = z.object({});

export class ApiRouter {
  readonly routes: RouteSpec<AnyObject, AnyObject, z.ZodType>[] = [];

  constructor(
    private readonly app: Hono,
    private readonly guard: RouteGuard,
  ) {}

  add<
    P extends AnyObject = typeof EMPTY,
    Q extends AnyObject = typeof EMPTY,
    B extends z.ZodType = z.ZodUndefined,
  >(spec: RouteSpec<P, Q, B>, handler: Handler<P, Q, B>): void {
    this.routes.push(spec as unknown as RouteSpec<AnyObject, AnyObject, z.ZodType>);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      this.guard.authenticate(c, spec.access as Access<unknown>);
      const params = check(spec.params ?? EMPTY, c.req.param(), "path");
      const query = check(spec.query ?? EMPTY, c.req.query(), "query");
      const body = spec.body ? check(spec.body, await readJson(c), "body") : undefined;
      const input = { params, query, body } as RouteInput<P, Q, B>;
      await this.guard.authorize(c, spec.access as Access<unknown>, input);
      const response = await handler(c, input);
      if (spec.method !== "get" && spec.audit !== false && response.status < 400) {
        await this.guard.audit(c, spec as unknown as RouteSpec<AnyObject, AnyObject, z.ZodType>, response);
      }
      return response;
    });
  }

  /** The OpenAPI 3.1 document of every route added so far. */
  openApi(info: { title: string; version: string; description: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      paths[path] ??= {};
      paths[path][route.method] = operation(route);
    }
    return {
      openapi: "3.1.0",
      info,
      paths,
      components: {
        schemas: { Problem: jsonSchema(Problem, "output") },
        securitySchemes: {
          token: {
            type: "http",
            scheme: "bearer",
            description: "an API token from `portello tokens create`",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "portello_session",
            description: "set by POST /api/session",
          },
        },
      },
    };
  }
}

function check<T extends z.ZodType>(schema: T, value: unknown, where: "body" | "query" | "path"): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = requestIssues(result.error, where);
  throw new HttpProblem(
    400,
    `invalid request ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpProblem(
      415,
      `send the body as JSON (Content-Type: application/json), not "${type || "none"}"`,
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

function operation(route: RouteSpec<AnyObject, AnyObject, z.ZodType>): Record<string, unknown> {
  const parameters = [...parametersOf(route.params, "path"), ...parametersOf(route.query, "query")];
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const contentType = r.contentType ?? "application/json";
    const schema = r.schema
      ? jsonSchema(r.schema, "output")
      : r.contentType
        ? { type: "string", format: "binary" }
        : undefined;
    responses[status] = {
      description: r.description,
      ...(schema ? { content: { [contentType]: { schema } } } : {}),
    };
  }
  const statuses =
    route.method === "get" ? ["400", "404", "500"] : ["400", "404", "409", "413", "415", "422", "500"];
  if (route.access !== "public") statuses.push("401");
  if (typeof route.access === "object") statuses.push("403");
  for (const status of statuses) {
    responses[status] ??= {
      description: "problem details",
      content: { "application/problem+json": { schema: PROBLEM_REF } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body, "input") } },
          },
        }
      : {}),
    ...(route.rawBody
      ? {
          requestBody: {
            required: true,
            description: route.rawBody.description,
            content: Object.fromEntries(
              route.rawBody.contentTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
            ),
          },
        }
      : {}),
    // every route but the public ones needs a token or a session (when the server requires sign-in)
    security: route.access === "public" ? [] : [{ token: [] }, { session: [] }],
    "x-portello-access": typeof route.access === "object" ? route.access.role : route.access,
    responses,
  };
}

function parametersOf(schema: AnyObject | undefined, where: "path" | "query"): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: s,
    ...(typeof (s as { description?: unknown }).description === "string"
      ? { description: (s as { description: string }).description }
      : {}),
  }));
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

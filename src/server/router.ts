import type { Context, Hono } from "hono";
import { z } from "zod";
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

  constructor(private readonly app: Hono) {}

  add<
    P extends AnyObject = typeof EMPTY,
    Q extends AnyObject = typeof EMPTY,
    B extends z.ZodType = z.ZodUndefined,
  >(spec: RouteSpec<P, Q, B>, handler: Handler<P, Q, B>): void {
    this.routes.push(spec as unknown as RouteSpec<AnyObject, AnyObject, z.ZodType>);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const params = check(spec.params ?? EMPTY, c.req.param(), "path");
      const query = check(spec.query ?? EMPTY, c.req.query(), "query");
      const body = spec.body ? check(spec.body, await readJson(c), "body") : undefined;
      return handler(c, { params, query, body } as RouteInput<P, Q, B>);
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
        securitySchemes: { token: { type: "http", scheme: "bearer" } },
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
  for (const status of route.method === "get"
    ? ["400", "404", "500"]
    : ["400", "401", "404", "409", "413", "415", "422", "500"]) {
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
    ...(route.method === "get" ? {} : { security: [{}, { token: [] }] }),
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

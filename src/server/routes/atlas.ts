import { z } from "zod";
import { type AtlasIndex, indexAtlas } from "../../atlas/claims.js";
import { disputeToJson, listDisputes } from "../../atlas/disputes.js";
import { history } from "../../atlas/history.js";
import { loadAtlas } from "../../atlas/load.js";
import { type Candidate, notFoundMessage } from "../../atlas/match.js";
import { plantsAt } from "../../atlas/plants.js";
import { sales } from "../../atlas/sales.js";
import { listSources, sourceToJson } from "../../atlas/sources.js";
import { where } from "../../atlas/where.js";
import { SourceKind } from "../../domain/provenance.js";
import { HttpProblem } from "../problem.js";
import type { ApiRouter } from "../router.js";
import { AnyJson, AtlasPlantsOut, AtlasPlantsQuery } from "../schemas.js";

const Query = z
  .string()
  .trim()
  .min(1, "give a brand, model or plant")
  .max(200)
  .describe("e.g. Giulia, Cassino");

/**
 * The sourced atlas of the built-in network: the same queries as `portello where/history/sales/conflicts/sources`,
 * and its plants at a year for the map.
 */
export function atlasRoutes(api: ApiRouter, loadIndex: () => Promise<AtlasIndex> = builtInIndex()): void {
  const tag = "atlas";

  api.add(
    {
      method: "get",
      path: "/api/atlas/where",
      operationId: "atlasWhere",
      access: "signed-in",
      summary: "Where a brand, model or plant builds cars in a year, with sources",
      tag,
      query: z.object({
        q: Query,
        year: z.coerce.number().int().min(1800).max(2200).optional().describe("default: this year"),
      }),
      responses: { 200: { description: "one answer per matching subject", schema: AnyJson } },
    },
    async (c, { query }) => {
      const result = where(await loadIndex(), query.q, query.year ?? new Date().getFullYear());
      if (!result.found) throw notFound(query.q, result.ambiguous, result.suggestion);
      return c.json(result.answers);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/atlas/plants",
      operationId: "atlasPlants",
      access: "signed-in",
      summary: "Every plant of the atlas with its coordinates, status, owner and brands in a year",
      tag,
      query: AtlasPlantsQuery,
      responses: { 200: { description: "the plants, by name", schema: AtlasPlantsOut } },
    },
    async (c, { query }) => {
      const plants: z.infer<typeof AtlasPlantsOut> = plantsAt(
        await loadIndex(),
        query.at ?? new Date().getFullYear(),
      );
      return c.json(plants);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/atlas/history",
      operationId: "atlasHistory",
      access: "signed-in",
      summary: "A brand's owners over time, or a plant's status, owners and models over time",
      tag,
      query: z.object({ q: Query }),
      responses: { 200: { description: "the history", schema: AnyJson } },
    },
    async (c, { query }) => {
      const result = history(await loadIndex(), query.q);
      if (!result.found) throw notFound(query.q, result.ambiguous, result.suggestion);
      return c.json(result.history);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/atlas/sales",
      operationId: "atlasSales",
      access: "signed-in",
      summary: "Sales volumes of a brand (with its models) or a model, by market and period, with sources",
      tag,
      query: z.object({
        q: Query,
        market: z.string().trim().min(1).max(60).optional().describe("a market id or name, e.g. US, Europe"),
        year: z.coerce.number().int().min(1800).max(2200).optional().describe("only periods in that year"),
      }),
      responses: {
        200: { description: "the figures, oldest period first; each with its sources", schema: AnyJson },
      },
    },
    async (c, { query }) => {
      const index = await loadIndex();
      const result = sales(index, query.q, { market: query.market, year: query.year });
      if (!result.found) {
        if (result.unknownMarket !== undefined)
          throw new HttpProblem(
            400,
            `unknown market: use one of ${index.atlas.markets.map((m) => m.id).join(", ")}`,
          );
        throw notFound(query.q, result.ambiguous, result.suggestion);
      }
      return c.json(result.rows);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/atlas/conflicts",
      operationId: "atlasConflicts",
      access: "signed-in",
      summary: "Claims that disagree and the disputes the atlas records, with a verdict each",
      tag,
      responses: { 200: { description: "the conflicts", schema: AnyJson } },
    },
    async (c) => c.json(listDisputes(await loadIndex()).map(disputeToJson)),
  );

  api.add(
    {
      method: "get",
      path: "/api/atlas/sources",
      operationId: "atlasSources",
      access: "signed-in",
      summary: "The sources the atlas cites, with how many claims and entities cite each",
      tag,
      query: z.object({ kind: SourceKind.optional() }),
      responses: { 200: { description: "the sources", schema: AnyJson } },
    },
    async (c, { query }) => c.json(listSources(await loadIndex(), query.kind).map(sourceToJson)),
  );
}

/** Loaded once, on first use; a failed load is retried on the next request. */
function builtInIndex(): () => Promise<AtlasIndex> {
  let index: Promise<AtlasIndex> | undefined;
  return () => {
    index ??= loadAtlas()
      .then(indexAtlas)
      .catch((error) => {
        index = undefined;
        throw error;
      });
    return index;
  };
}

/** The CLI's wording: an ambiguous query is a bad request (400); one that names nothing is not found (404). */
function notFound(query: string, ambiguous: Candidate[], suggestion?: string): HttpProblem {
  return new HttpProblem(ambiguous.length ? 400 : 404, notFoundMessage(query, ambiguous, suggestion));
}

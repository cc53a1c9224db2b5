import { parse } from "yaml";
import { ApiError, api } from "./client.js";

/**
 * The atlas endpoints (/api/atlas/where, history, conflicts, sources; see docs/api.md) and the plants to draw.
 * Shapes follow src/atlas/where.ts, history.ts and the server's conflict view.
 */

export interface Source {
  id: string;
  url: string;
  title: string;
  publisher: string;
  date: string;
  dateIsApproximate?: boolean;
  kind: string;
  note?: string;
}

export interface BuildRow {
  programId: string;
  program: string;
  brand: string;
  plantId: string;
  plant: string;
  span: string;
  status: string;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
}

export interface FactRow {
  property: string;
  value: string;
  span: string;
  status: string;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
  statedBy?: string;
}

export interface WhereAnswer {
  query: string;
  year: number;
  asOf: string;
  beyondData: boolean;
  subject: { kind: "brand" | "plant" | "program"; id: string; name: string };
  builds: BuildRow[];
  possibly: BuildRow[];
  outlook: BuildRow[];
  otherYears: BuildRow[];
  facts: FactRow[];
}

export interface HistoryEntry {
  span: string;
  property: string;
  program?: string;
  value: string;
  status: string;
  disputed: boolean;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
}

export interface History {
  subject: { kind: "brand" | "plant"; id: string; name: string };
  entries: HistoryEntry[];
}

export interface ConflictClaim {
  id: string;
  subject: string;
  from?: string;
  to?: string;
  status: string;
  sources: string[];
  quote?: string;
  note?: string;
  inWindow: boolean;
}

export interface Conflict {
  subject: string;
  subjectName: string;
  property: string;
  window: { from: string | null; to: string | null } | null;
  sides: { value: string | number | boolean; claims: ConflictClaim[] }[];
  verdict: { outcome: "by-dates" | "resolved" | "unresolved"; preferred?: unknown; reason: string };
}

/** A plant to draw: where it is, its status in the year asked, the brands it builds then. */
export interface AtlasPlantPoint {
  id: string;
  name: string;
  lon: number;
  lat: number;
  status: string;
  brands: string[];
}

const q = encodeURIComponent;

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { signal });
  const body = (await response.json()) as T & { detail?: string };
  if (!response.ok)
    throw new ApiError(response.status, undefined, body.detail ?? `GET ${path}: ${response.status}`);
  return body;
}

export const atlasApi = {
  where: (query: string, year: number, signal?: AbortSignal) =>
    get<WhereAnswer[]>(`/api/atlas/where?q=${q(query)}&year=${year}`, signal),
  history: (query: string, signal?: AbortSignal) => get<History>(`/api/atlas/history?q=${q(query)}`, signal),
  conflicts: (signal?: AbortSignal) => get<Conflict[]>("/api/atlas/conflicts", signal),
  sources: (signal?: AbortSignal) => get<Source[]>("/api/atlas/sources", signal),
  plants: atlasPlants,
};

/**
 * The plants on the map. The atlas API has no plant list with coordinates yet, so the points are the plants
 * of the built-in project's scenarios that name their atlas plant (`atlasId`), with their coordinates; their
 * status and brands in the year come from the atlas itself (`where`).
 */
async function atlasPlants(year: number, signal?: AbortSignal): Promise<AtlasPlantPoint[]> {
  const located = await scenarioPlantLocations(signal);
  const points = await Promise.all(
    [...located].map(async ([id, at]) => {
      const answer = await atlasApi.where(id, year, signal).catch(() => undefined);
      const plant = answer?.find((a) => a.subject.kind === "plant");
      if (!plant) return undefined;
      const status =
        plant.facts.find((f) => f.property === "status" && f.status === "fact")?.value ?? "unknown";
      const brands = [...new Set(plant.builds.map((b) => b.brand))];
      return { id, name: plant.subject.name, lon: at[0], lat: at[1], status, brands };
    }),
  );
  return points
    .filter((p): p is AtlasPlantPoint => p !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function scenarioPlantLocations(signal?: AbortSignal): Promise<Map<string, [number, number]>> {
  const located = new Map<string, [number, number]>();
  for (const project of await api.projects(signal)) {
    for (const scenario of await api.scenarios(project.id, signal)) {
      const { version } = await api.scenario(scenario.id, signal);
      for (const plant of plantsIn(version.content)) {
        if (plant.atlasId && !located.has(plant.atlasId)) located.set(plant.atlasId, [plant.lon, plant.lat]);
      }
    }
  }
  return located;
}

function plantsIn(text: string): { atlasId?: string; lat: number; lon: number }[] {
  try {
    const doc = parse(text) as { plants?: { atlasId?: unknown; lat?: unknown; lon?: unknown }[] } | null;
    return (doc?.plants ?? []).flatMap((p) =>
      typeof p.lat === "number" && typeof p.lon === "number"
        ? [{ lat: p.lat, lon: p.lon, ...(typeof p.atlasId === "string" ? { atlasId: p.atlasId } : {}) }]
        : [],
    );
  } catch {
    return [];
  }
}

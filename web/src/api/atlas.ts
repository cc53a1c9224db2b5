import type { PlantAt as AtlasPlant } from "../../../src/atlas/plants.js";
import { ApiError } from "./client.js";

/**
 * The atlas endpoints (/api/atlas/where, history, conflicts, sources, plants; see docs/api.md).
 * Shapes follow src/atlas/where.ts, history.ts and the server's conflict view; a plant at a year is the
 * server's own type (src/atlas/plants.ts), imported for its shape only.
 */

export type { AtlasPlant };

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
  plants: (year: number, signal?: AbortSignal) => get<AtlasPlant[]>(`/api/atlas/plants?at=${year}`, signal),
};

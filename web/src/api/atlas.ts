import type { Source } from "../../../src/domain/provenance.js";
import type { History, HistoryEntry } from "../../../src/atlas/history.js";
import type { PlantAt as AtlasPlant } from "../../../src/atlas/plants.js";
import type { BuildRow, FactRow, WhereAnswer } from "../../../src/atlas/where.js";
import { get } from "./client.js";

/**
 * The atlas endpoints (/api/atlas/where, history, conflicts, sources, plants; see docs/api.md). Sources, the
 * answers of src/atlas/where.ts and history.ts, and a plant at a year (src/atlas/plants.ts) are the server's
 * own types, imported for their shape only; a conflict is the server's JSON view of one.
 */

export type { AtlasPlant, BuildRow, FactRow, History, HistoryEntry, Source, WhereAnswer };

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

export const atlasApi = {
  where: (query: string, year: number, signal?: AbortSignal) =>
    get<WhereAnswer[]>(`/api/atlas/where?q=${q(query)}&year=${year}`, signal),
  history: (query: string, signal?: AbortSignal) => get<History>(`/api/atlas/history?q=${q(query)}`, signal),
  conflicts: (signal?: AbortSignal) => get<Conflict[]>("/api/atlas/conflicts", signal),
  sources: (signal?: AbortSignal) => get<Source[]>("/api/atlas/sources", signal),
  plants: (year: number, signal?: AbortSignal) => get<AtlasPlant[]>(`/api/atlas/plants?at=${year}`, signal),
};

import { parse } from "yaml";
import { api } from "../../api/client.js";
import type { Plan, ScenarioRecord } from "../../api/types.js";

/** Where plants and markets are, as [lon, lat], for drawing a plan on the map. */
export interface Coordinates {
  plants: Map<string, [number, number]>;
  markets: Map<string, [number, number]>;
}

/** The plan's coordinates; a stored plan older than `places` falls back on its scenario version's text. */
export async function planCoordinates(
  plan: Plan,
  scenario: ScenarioRecord,
  versionNumber: number,
  signal: AbortSignal,
): Promise<Coordinates> {
  if (plan.places) return fromPlaces(plan.places);
  return scenarioCoordinates(scenario, versionNumber, signal).catch(
    (): Coordinates => ({ plants: new Map(), markets: new Map() }),
  );
}

function fromPlaces(places: NonNullable<Plan["places"]>): Coordinates {
  return { plants: lonLatMap(places.plants), markets: lonLatMap(places.markets) };
}

/** The located entries, as [lon, lat]: the map's order. */
function lonLatMap(byId: Record<string, { lat: number; lon: number } | null>): Map<string, [number, number]> {
  const map = new Map<string, [number, number]>();
  for (const [id, at] of Object.entries(byId)) if (at) map.set(id, [at.lon, at.lat]);
  return map;
}

/**
 * For old plans: the scenario's own coordinates, read from the version's text and from the base it extends
 * (a variant's values win).
 */
async function scenarioCoordinates(
  scenario: ScenarioRecord,
  versionNumber: number,
  signal: AbortSignal,
): Promise<Coordinates> {
  const coordinates: Coordinates = { plants: new Map(), markets: new Map() };
  const version = await api.version(scenario.id, versionNumber, signal);
  const doc = readDoc(version.content);
  if (typeof doc.extends === "string") {
    const siblings = await api.scenarios(scenario.projectId, signal);
    const base = siblings.find((s) => s.fileName === doc.extends);
    if (base) collect(readDoc((await api.scenario(base.id, signal)).version.content), coordinates);
  }
  collect(doc, coordinates);
  return coordinates;
}

type Doc = { extends?: unknown; plants?: unknown; markets?: unknown };

function readDoc(text: string): Doc {
  try {
    const doc = parse(text) as unknown;
    return doc && typeof doc === "object" ? (doc as Doc) : {};
  } catch {
    return {};
  }
}

function collect(doc: Doc, into: Coordinates): void {
  for (const [key, map] of [
    ["plants", into.plants],
    ["markets", into.markets],
  ] as const) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const item of list as { id?: unknown; lat?: unknown; lon?: unknown }[]) {
      if (typeof item?.id === "string" && typeof item.lat === "number" && typeof item.lon === "number") {
        map.set(item.id, [item.lon, item.lat]);
      }
    }
  }
}

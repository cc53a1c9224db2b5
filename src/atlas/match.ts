import type { AtlasPlant, AtlasProgram, Brand, Group } from "../domain/atlas.js";
import { closestMatch, editDistance } from "../domain/suggest.js";
import type { AtlasIndex } from "./claims.js";

/** What a query can name. */
export type EntityKind = "group" | "brand" | "plant" | "program";

export interface Candidate {
  kind: EntityKind;
  id: string;
  name: string;
}

/** Why a query has no single answer, in the words of both the CLI and the API: the candidates, or a guess. */
export function notFoundMessage(query: string, ambiguous: Candidate[], suggestion?: string): string {
  if (ambiguous.length) {
    const list = ambiguous.map((c) => `  ${c.kind} ${c.id}: ${c.name}`).join("\n");
    return `'${query}' matches ${ambiguous.length} entries; ask for one by name or id:\n${list}`;
  }
  const hint = suggestion ? ` — did you mean '${suggestion}'?` : "";
  return `nothing in the atlas matches '${query}'${hint}`;
}

export type Resolution =
  | { found: "brand"; brand: Brand }
  | { found: "group"; group: Group }
  | { found: "plant"; plant: AtlasPlant }
  /** one model, possibly several generations: "Giulia" finds the 105, the 952 and the next one */
  | { found: "programs"; programs: AtlasProgram[] }
  | { found: "ambiguous"; candidates: Candidate[] }
  | { found: "none"; suggestion?: string };

/** Case-, accent- and punctuation-insensitive form: "Pomigliano d’Arco" → "pomigliano d arco". */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

interface Named {
  candidate: Candidate;
  entity: Brand | Group | AtlasPlant | AtlasProgram;
  /** the program's model, so that generations of one model count as one answer */
  model?: string;
  names: string[];
  /** the names as written, for "did you mean" */
  written: string[];
}

function namedEntities(index: AtlasIndex, kinds: readonly EntityKind[]): Named[] {
  const out: Named[] = [];
  const add = (
    kind: EntityKind,
    entity: Named["entity"],
    names: (string | null | undefined)[],
    model?: string,
  ) => {
    const written = [entity.name, ...entity.aliases, ...names, entity.id].flatMap((n) => (n ? [n] : []));
    out.push({
      candidate: { kind, id: entity.id, name: entity.name },
      entity,
      model,
      names: written.map(normalize),
      written,
    });
  };
  if (kinds.includes("group")) for (const g of index.groups.values()) add("group", g, []);
  if (kinds.includes("brand")) for (const b of index.brands.values()) add("brand", b, []);
  if (kinds.includes("plant")) for (const p of index.plants.values()) add("plant", p, [p.city]);
  if (kinds.includes("program"))
    for (const p of index.programs.values()) {
      const brand = index.brands.get(p.brand)?.name ?? p.brand;
      const generation = p.generation ? `${p.model} ${p.generation}` : undefined;
      add("program", p, [p.model, `${brand} ${p.model}`, generation], normalize(p.model));
    }
  return out;
}

/** Finds what a query names: exact names and aliases first, then names containing the query. */
export function resolveQuery(index: AtlasIndex, query: string, kinds: readonly EntityKind[]): Resolution {
  const q = normalize(query);
  const entities = namedEntities(index, kinds);
  if (q === "") return { found: "none" };
  const exact = entities.filter((e) => e.names.includes(q));
  if (exact.length) return decide(exact);
  const partial = q.length >= 3 ? entities.filter((e) => e.names.some((n) => containsWords(n, q))) : [];
  if (partial.length) return decide(partial);
  const display = new Map(entities.flatMap((e) => e.written.map((w) => [normalize(w), w] as const)));
  const near = closestMatch(q, display.keys());
  // only a plausible typo of a whole name, not a shared prefix
  const plausible = near !== undefined && editDistance(q, near) <= Math.max(2, Math.floor(q.length / 4));
  return { found: "none", suggestion: plausible ? display.get(near) : undefined };
}

/** "giulia" is in "alfa romeo giulia 952" but not in "giulietta". */
function containsWords(name: string, q: string): boolean {
  return ` ${name} `.includes(` ${q} `) || (q.length >= 4 && name.startsWith(q));
}

function decide(matches: Named[]): Resolution {
  const kinds = new Set(matches.map((m) => m.candidate.kind));
  const models = new Set(matches.map((m) => m.model));
  if (kinds.size === 1 && kinds.has("program") && models.size === 1)
    return { found: "programs", programs: matches.map((m) => m.entity as AtlasProgram) };
  if (matches.length === 1) {
    const only = matches[0]!;
    if (only.candidate.kind === "brand") return { found: "brand", brand: only.entity as Brand };
    if (only.candidate.kind === "group") return { found: "group", group: only.entity as Group };
    if (only.candidate.kind === "plant") return { found: "plant", plant: only.entity as AtlasPlant };
  }
  return { found: "ambiguous", candidates: matches.map((m) => m.candidate) };
}

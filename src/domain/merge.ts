import type { SourceDocument } from "./document.js";
import type { ValidationIssue } from "./issues.js";
import { didYouMean } from "./suggest.js";
import { formatPath, position, type Locate, type PathKey, type Site } from "./zod-issues.js";

/**
 * Applies `extends` patches to a base scenario's raw data (before defaults), remembering which file
 * each list entry came from so later errors point into the file that wrote the offending field.
 *
 * Rules: top-level scalars are replaced; `horizon`, `objective`, `solver`, `logistics` and `regions`
 * merge one level deep; entity lists merge by key (field by field, `cite` by field name; new keys are
 * appended); `remove` deletes base entries first.
 */

type Entry = Record<string, unknown>;

/** How entries of each mergeable list are identified. */
const LIST_KEYS: Record<string, (entry: Entry) => string> = {
  sources: (e) => String(e.id),
  plants: (e) => String(e.id),
  programs: (e) => String(e.id),
  markets: (e) => String(e.id),
  duties: (e) => String(e.id),
  partsDuties: (e) => String(e.id),
  policies: (e) => String(e.id),
  demand: (e) => demandKey(e.program, e.market),
  lanes: (e) => `${String(e.from)} → ${String(e.to)}`,
};
const SHALLOW_OBJECTS = new Set(["horizon", "objective", "solver", "logistics", "regions", "fx", "cite"]);

function demandKey(program: unknown, market: unknown): string {
  return market === undefined
    ? `${String(program)} (split by shares)`
    : `${String(program)} in ${String(market)}`;
}

/** Where one merged list entry was written: layer index and the entry's path in that layer. */
export interface Origin {
  layer: number;
  path: PathKey[];
}

export interface MergedScenario {
  data: Entry;
  /** list name → per merged entry, the layers that wrote it, newest first */
  origins: Record<string, Origin[][]>;
}

export function startMerge(root: Entry): MergedScenario {
  const data = structuredClone(root);
  const origins: Record<string, Origin[][]> = {};
  for (const list of Object.keys(LIST_KEYS)) {
    const entries = Array.isArray(data[list]) ? (data[list] as unknown[]) : [];
    origins[list] = entries.map((_, i) => [{ layer: 0, path: [list, i] }]);
  }
  return { data, origins };
}

/** Applies one validated patch (layer `layer`); returns problems with its `remove` section. */
export function applyPatch(merged: MergedScenario, patch: Entry, layer: number, doc: SourceDocument) {
  const issues = removeEntries(merged, (patch.remove ?? {}) as Record<string, unknown[]>, doc);
  for (const [field, value] of Object.entries(patch)) {
    if (field === "remove" || value === undefined) continue;
    if (field in LIST_KEYS) issues.push(...mergeList(merged, field, value as Entry[], layer, doc));
    else if (SHALLOW_OBJECTS.has(field))
      merged.data[field] = { ...asEntry(merged.data[field]), ...asEntry(value) };
    else merged.data[field] = structuredClone(value);
  }
  return issues;
}

function asEntry(value: unknown): Entry {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Entry) : {};
}

function mergeList(
  merged: MergedScenario,
  list: string,
  patchEntries: Entry[],
  layer: number,
  doc: SourceDocument,
): ValidationIssue[] {
  const keyOf = LIST_KEYS[list]!;
  const issues: ValidationIssue[] = [];
  const firstInPatch = new Map<string, number>();
  const entries = (Array.isArray(merged.data[list]) ? merged.data[list] : []) as Entry[];
  const origins = merged.origins[list]!;
  patchEntries.forEach((entry, index) => {
    const key = keyOf(entry);
    const earlier = firstInPatch.get(key);
    if (earlier !== undefined) {
      // twice in one file is a mistake, not a patch of a patch
      issues.push(
        issueAt(
          doc,
          [list, index],
          `one entry per key in ${list}`,
          `'${key}' again`,
          `'${key}' appears twice in ${list} (also ${list}[${earlier}])`,
        ),
      );
      return;
    }
    firstInPatch.set(key, index);
    const origin: Origin = { layer, path: [list, index] };
    const at = entries.findIndex((existing) => keyOf(existing) === key);
    if (at < 0) {
      entries.push(structuredClone(entry));
      origins.push([origin]);
      return;
    }
    const old = entries[at]!;
    const replaced: Entry = { ...old, ...structuredClone(entry) };
    if (old.cite !== undefined || entry.cite !== undefined)
      replaced.cite = { ...asEntry(old.cite), ...asEntry(entry.cite) };
    entries[at] = replaced;
    origins[at] = [origin, ...origins[at]!];
  });
  merged.data[list] = entries;
  return issues;
}

function removeEntries(
  merged: MergedScenario,
  remove: Record<string, unknown[]>,
  doc: SourceDocument,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [list, targets] of Object.entries(remove)) {
    if (list === "regions") {
      const regions = asEntry(merged.data.regions);
      targets.forEach((name, i) => {
        if (String(name) in regions) delete regions[String(name)];
        else
          issues.push(notInBase(doc, ["remove", list, i], `region '${String(name)}'`, Object.keys(regions)));
      });
      continue;
    }
    const keyOf = LIST_KEYS[list]!;
    const entries = (Array.isArray(merged.data[list]) ? merged.data[list] : []) as Entry[];
    targets.forEach((target, i) => {
      const wanted = typeof target === "string" ? target : keyOf(target as Entry);
      const at = entries.findIndex((entry) => keyOf(entry) === wanted);
      if (at >= 0) {
        entries.splice(at, 1);
        merged.origins[list]!.splice(at, 1);
      } else {
        issues.push(notInBase(doc, ["remove", list, i], `'${wanted}'`, entries.map(keyOf)));
      }
    });
  }
  return issues;
}

function notInBase(doc: SourceDocument, path: PathKey[], what: string, known: string[]): ValidationIssue {
  const list = String(path[1]);
  const hint = didYouMean(what.replace(/'/g, ""), known);
  return issueAt(
    doc,
    path,
    `an entry of the base's ${list}`,
    what,
    `cannot remove ${what}: the base has no such entry in ${list}${hint}`,
  );
}

function issueAt(
  doc: SourceDocument,
  path: PathKey[],
  expected: string,
  found: string,
  message: string,
): ValidationIssue {
  return { ...position(doc.locate(path, "value")), path: formatPath(path), expected, found, message };
}

/** Locates a path of the merged data in the newest file that wrote it (else the file that wrote its entry). */
export function mergedLocator(layers: SourceDocument[], merged: MergedScenario): Locate {
  return (path, target) => {
    const [list, index, ...rest] = path;
    const entryOrigins =
      typeof list === "string" && typeof index === "number" ? merged.origins[list]?.[index] : undefined;
    const candidates: Origin[] = entryOrigins
      ? entryOrigins.map((o) => ({ layer: o.layer, path: [...o.path, ...rest] }))
      : layers.map((_, layer) => ({ layer, path: [...path] })).reverse();
    let fallback: Site | undefined;
    for (const candidate of candidates) {
      const site = layers[candidate.layer]!.locate(candidate.path, target);
      if (site.exact) return site;
      fallback ??= site.line === undefined ? undefined : site;
    }
    return fallback ?? { file: layers.at(-1)!.file };
  };
}

/**
 * The structural difference between two scenarios: entities (plants, programs, markets, …) added, removed or
 * changed, and for each changed one the fields that differ. A pure function of two plain JSON values, so it
 * diffs resolved scenarios and raw documents alike.
 */

export type ChangeKind = "added" | "removed" | "changed";

export interface FieldChange {
  /** path inside the entity (or the scenario, for top-level fields), e.g. "capacityPerShift" or "horizon.end" */
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface EntityChange {
  /** the scenario list it lives in, e.g. "plants" */
  collection: string;
  /** its id, or a key built from what identifies it (e.g. "giulia→us" for demand, "cassino→eu" for lanes) */
  key: string;
  kind: ChangeKind;
  /** for changed entities, the fields that differ */
  fields: FieldChange[];
}

export interface ScenarioDiff {
  identical: boolean;
  /** fields outside entity lists (name, horizon, discountRate, …) */
  fields: FieldChange[];
  entities: EntityChange[];
  summary: { added: number; removed: number; changed: number; fields: number };
}

type Json = unknown;
type Obj = Record<string, Json>;

/** How the entities of a list are told apart when they have no `id`. */
const ENTITY_KEYS: Record<string, (item: Obj, index: number) => string> = {
  demand: (d) => `${d.program}→${d.market ?? "shares"}`,
  lanes: (l) => `${l.from}→${l.to}`,
};

export function diffScenarios(before: Json, after: Json): ScenarioDiff {
  const fields: FieldChange[] = [];
  const entities: EntityChange[] = [];
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  for (const name of unionKeys(a, b)) {
    const [x, y] = [a[name], b[name]];
    if (isEntityList(name, x) && isEntityList(name, y))
      entities.push(...diffEntityList(name, x ?? [], y ?? []));
    else fields.push(...diffValues(name, x, y));
  }
  const count = (kind: ChangeKind) => entities.filter((e) => e.kind === kind).length;
  return {
    identical: fields.length === 0 && entities.length === 0,
    fields,
    entities,
    summary: {
      added: count("added"),
      removed: count("removed"),
      changed: count("changed"),
      fields: fields.length,
    },
  };
}

function diffEntityList(collection: string, before: Obj[], after: Obj[]): EntityChange[] {
  const keyed = (list: Obj[]) => {
    const map = new Map<string, Obj>();
    list.forEach((item, i) => {
      let key = entityKey(collection, item, i);
      // a duplicate key (invalid, but diffable) must not hide an entity
      while (map.has(key)) key = `${key}#${i}`;
      map.set(key, item);
    });
    return map;
  };
  const [x, y] = [keyed(before), keyed(after)];
  const changes: EntityChange[] = [];
  for (const key of [...new Set([...x.keys(), ...y.keys()])]) {
    const [old, neu] = [x.get(key), y.get(key)];
    if (old === undefined) changes.push({ collection, key, kind: "added", fields: [] });
    else if (neu === undefined) changes.push({ collection, key, kind: "removed", fields: [] });
    else {
      const fields = diffValues("", old, neu);
      if (fields.length > 0) changes.push({ collection, key, kind: "changed", fields });
    }
  }
  return changes;
}

/** Field-level differences; objects are walked, arrays and scalars compared whole. */
function diffValues(path: string, before: Json, after: Json): FieldChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: "added", after }];
  if (after === undefined) return [{ path, kind: "removed", before }];
  if (isObject(before) && isObject(after)) {
    return unionKeys(before, after).flatMap((k) =>
      diffValues(path ? `${path}.${k}` : k, before[k], after[k]),
    );
  }
  return deepEqual(before, after) ? [] : [{ path, kind: "changed", before, after }];
}

function entityKey(collection: string, item: Obj, index: number): string {
  if (typeof item.id === "string") return item.id;
  return ENTITY_KEYS[collection]?.(item, index) ?? `#${index + 1}`;
}

/** A list of objects that carry an id (or a known key): an entity list. `undefined` fits any side. */
function isEntityList(name: string, value: Json): value is Obj[] | undefined {
  if (value === undefined) return true;
  if (!Array.isArray(value) || !value.every(isObject)) return false;
  return name in ENTITY_KEYS || value.every((v) => typeof v.id === "string");
}

function isObject(value: Json): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unionKeys(a: Obj, b: Obj): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function deepEqual(a: Json, b: Json): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = unionKeys(a, b);
    return keys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

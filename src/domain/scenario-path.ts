/**
 * Paths into a scenario: how an uncertainty study names the numbers a draw changes (docs/studies.md).
 *
 *   path     := step ( "." step )*
 *   step     := name selector*  |  "*"
 *   selector := "[" index "]"  |  "[" field "=" value ( "|" value )* ( "," field "=" value … )* "]"
 *
 * - `name` is a field of an object (letters, digits, `_`, `-`: record keys such as years "2031" too);
 * - `*` is every value of a record or every entry of a list (e.g. every year of a per-year volume);
 * - `[2]` is a list's entry by position; `[id=belvidere]` every entry whose `id` is `belvidere`;
 *   `[program=e-segment,market=us|china]` every entry whose program is e-segment and market is us or china.
 *
 * Examples: `discountRate`, `plants[id=belvidere].openCost`, `duties[id=us-eu-deal-2025].rate`,
 * `demand[program=e-segment,market=us|china].volume.*`.
 *
 * A selector that matches no entry changes nothing (an option without Belvidere is not touched by Belvidere's
 * cost); everything else that does not fit is an error naming the path and what was expected there.
 */

export type PathStep =
  | { kind: "field"; name: string }
  | { kind: "all" }
  | { kind: "index"; index: number }
  | { kind: "where"; conditions: { field: string; values: string[] }[] };

export class ScenarioPathError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
    message: string,
  ) {
    super(message);
    this.name = "ScenarioPathError";
  }
}

const NAME = /^[A-Za-z0-9_-]+/;
const ID_VALUE = /^[A-Za-z0-9._-]+$/;

/** The steps of a path, or a ScenarioPathError saying where its syntax breaks. */
export function parseScenarioPath(path: string): PathStep[] {
  const fail = (at: number, expected: string): never => {
    const found = at >= path.length ? "the end of the path" : `'${path.slice(at, at + 12)}'`;
    throw new ScenarioPathError(
      path,
      expected,
      found,
      `path '${path}': expected ${expected} at character ${at + 1}, found ${found}`,
    );
  };
  const steps: PathStep[] = [];
  let i = 0;
  if (path.length === 0) fail(0, "a field name");
  for (;;) {
    if (path[i] === "*") {
      steps.push({ kind: "all" });
      i++;
    } else {
      const name = NAME.exec(path.slice(i))?.[0];
      if (!name) fail(i, "a field name or '*'");
      steps.push({ kind: "field", name: name! });
      i += name!.length;
    }
    while (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) fail(path.length, "']'");
      steps.push(selector(path.slice(i + 1, close), i + 1, fail));
      i = close + 1;
    }
    if (i === path.length) return steps;
    if (path[i] !== ".") fail(i, "'.', '[' or the end of the path");
    i++;
  }
}

function selector(text: string, at: number, fail: (at: number, expected: string) => never): PathStep {
  if (/^\d+$/.test(text)) return { kind: "index", index: Number(text) };
  const conditions = text.split(",").map((part) => {
    const [field, values, extra] = part.split("=");
    if (extra !== undefined || !field || !NAME.test(field) || values === undefined)
      fail(at, "a position such as [0] or a condition such as [id=cassino] or [program=x,market=us|china]");
    const list = values!.split("|");
    if (list.some((v) => !ID_VALUE.test(v))) fail(at, `values after '${field}=' (ids, separated by '|')`);
    return { field: field!, values: list };
  });
  return { kind: "where", conditions };
}

/** A number the path reaches: its container and key, and where it is in words (e.g. "plants[id=cassino].openCost"). */
export interface NumberSlot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  at: string;
  /** where it is by keys and positions (e.g. "plants.3.openCost"): one slot, one text */
  position: string;
}

/**
 * Every number the path reaches in `data` (none where a selector matches nothing). With `copied`, the objects
 * and lists on the way are shallow-copied into their holders first (copy on write: `data` must be a copy in
 * `copied`, and every copy made goes in), so that setting the slots changes none of the objects `data` shares.
 */
export function numbersAt(data: unknown, path: string, copied?: WeakSet<object>): NumberSlot[] {
  const steps = parseScenarioPath(path);
  type Node = {
    value: unknown;
    at: string;
    position: string;
    holder?: NumberSlot["holder"];
    key?: string | number;
  };
  const own = (holder: NumberSlot["holder"], key: string | number, value: unknown): unknown => {
    if (!copied || typeof value !== "object" || value === null || copied.has(value)) return value;
    const copy = Array.isArray(value) ? value.slice() : { ...(value as Record<string, unknown>) };
    copied.add(copy);
    (holder as Record<string | number, unknown>)[key] = copy;
    return copy;
  };
  let nodes: Node[] = [{ value: data, at: "", position: "" }];
  const fail = (node: Node, expected: string, found: string): never => {
    const where = node.at || "the scenario";
    throw new ScenarioPathError(
      path,
      expected,
      found,
      `path '${path}': at ${where} expected ${expected}, found ${found}`,
    );
  };
  for (const step of steps) {
    const next: Node[] = [];
    for (const node of nodes) {
      const { value } = node;
      switch (step.kind) {
        case "field": {
          if (!isRecord(value)) fail(node, `an object with a field '${step.name}'`, describe(value));
          const record = value as Record<string, unknown>;
          if (!Object.hasOwn(record, step.name)) {
            const fields = Object.keys(record).slice(0, 12).join(", ");
            fail(node, `a field '${step.name}'`, `only ${fields || "no fields"}`);
          }
          next.push({
            value: own(record, step.name, record[step.name]),
            at: node.at ? `${node.at}.${step.name}` : step.name,
            position: `${node.position}.${step.name}`,
            holder: record,
            key: step.name,
          });
          break;
        }
        case "all":
          if (Array.isArray(value))
            for (const [i, v] of value.entries())
              next.push({
                value: own(value, i, v),
                at: `${node.at}[${i}]`,
                position: `${node.position}.${i}`,
                holder: value,
                key: i,
              });
          else if (isRecord(value))
            for (const [k, v] of Object.entries(value))
              next.push({
                value: own(value, k, v),
                at: `${node.at}.${k}`,
                position: `${node.position}.${k}`,
                holder: value,
                key: k,
              });
          else fail(node, "a list or an object for '*'", describe(value));
          break;
        case "index": {
          if (!Array.isArray(value)) fail(node, `a list for [${step.index}]`, describe(value));
          const list = value as unknown[];
          if (step.index >= list.length)
            fail(node, `a list of more than ${step.index} entries`, `${list.length} entries`);
          next.push({
            value: own(list, step.index, list[step.index]),
            at: `${node.at}[${step.index}]`,
            position: `${node.position}.${step.index}`,
            holder: list,
            key: step.index,
          });
          break;
        }
        case "where": {
          if (!Array.isArray(value)) fail(node, "a list for a [field=value] selector", describe(value));
          (value as unknown[]).forEach((entry, i) => {
            if (!isRecord(entry)) return;
            const matches = step.conditions.every((c) => c.values.includes(String(entry[c.field])));
            if (!matches) return;
            const label = step.conditions.map((c) => `${c.field}=${String(entry[c.field])}`).join(",");
            next.push({
              value: own(value as unknown[], i, entry),
              at: `${node.at}[${label}]`,
              position: `${node.position}.${i}`,
              holder: value as unknown[],
              key: i,
            });
          });
          break;
        }
      }
    }
    nodes = next;
  }
  return nodes.map((node) => {
    if (typeof node.value !== "number") {
      const hint = isRecord(node.value)
        ? " (for every value of a record such as per-year volumes, add '.*')"
        : "";
      fail(node, `a number${hint}`, describe(node.value));
    }
    return { holder: node.holder!, key: node.key!, at: node.at, position: node.position };
  });
}

/** A number an assignment changed: where (NumberSlot.position), its value before and after. */
export interface NumberChange {
  position: string;
  before: number;
  after: number;
}

/**
 * Sets or scales every number the path reaches; returns the slots it reached, with their values before and
 * after. With `copied`, copy on write (see numbersAt).
 */
export function assignAt(
  data: unknown,
  path: string,
  mode: "set" | "scale",
  value: number,
  copied?: WeakSet<object>,
): NumberChange[] {
  return numbersAt(data, path, copied).map(({ holder, key, position }) => {
    const h = holder as Record<string | number, number>;
    const before = h[key]!;
    h[key] = mode === "set" ? value : before * value;
    return { position, before, after: h[key]! };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

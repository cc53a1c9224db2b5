import { z } from "zod";

/**
 * Walks a zod schema along a data path, so error messages can quote the field's `.describe()` text
 * (its unit) and list the fields an object allows. Reads zod 4's public `_zod.def` structure.
 */

type AnySchema = z.core.$ZodType;
type PathKey = PropertyKey;

export interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  keyType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, unknown>;
  getter?: () => AnySchema;
}

export function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

function descriptionOf(schema: AnySchema): string | undefined {
  return z.globalRegistry.get(schema)?.description;
}

/** Strips optional/default/nullable wrappers, keeping the outermost description found on the way. */
export function unwrap(schema: AnySchema): { schema: AnySchema; description?: string } {
  let description = descriptionOf(schema);
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const inner =
      def.type === "lazy" && def.getter ? def.getter() : def.type === "pipe" ? def.in : def.innerType;
    if (!inner) return { schema: current, description };
    current = inner;
    description ??= descriptionOf(current);
  }
}

/** The union option that fits `data`: by discriminator value, else the first whose shape has `key`. */
function pickOption(def: Def, data: unknown, key?: PathKey): AnySchema | undefined {
  const options = def.options ?? [];
  if (def.discriminator && isRecord(data)) {
    const wanted = data[def.discriminator];
    const match = options.find((option) => literalValues(option, def.discriminator!).includes(wanted));
    if (match) return match;
  }
  if (key === undefined) return options[0];
  return options.find((option) => stepInto(option, key, undefined) !== undefined) ?? options[0];
}

function literalValues(option: AnySchema, field: string): unknown[] {
  const shape = defOf(unwrap(option).schema).shape;
  const fieldSchema = shape?.[field];
  return fieldSchema ? (defOf(unwrap(fieldSchema).schema).values ?? []) : [];
}

function stepInto(schema: AnySchema, key: PathKey, data: unknown): AnySchema | undefined {
  const inner = unwrap(schema).schema;
  const def = defOf(inner);
  switch (def.type) {
    case "object":
      return typeof key === "string" ? def.shape?.[key] : undefined;
    case "array":
      return def.element;
    case "record":
      return def.valueType;
    case "union": {
      const option = pickOption(def, data, key);
      return option ? stepInto(option, key, data) : undefined;
    }
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function childOf(data: unknown, key: PathKey): unknown {
  if (Array.isArray(data) && typeof key === "number") return data[key];
  if (isRecord(data) && typeof key === "string") return data[key];
  return undefined;
}

/** The schema of the field at `path` (and its description), or undefined where the path leaves the schema. */
export function schemaAt(
  root: AnySchema,
  path: readonly PathKey[],
  data: unknown,
): { schema: AnySchema; description?: string } | undefined {
  let schema: AnySchema | undefined = root;
  let value = data;
  for (const key of path) {
    schema = stepInto(schema, key, value);
    if (!schema) return undefined;
    value = childOf(value, key);
  }
  return unwrap(schema);
}

/** Field names an object schema accepts (for a union: of the option that fits the data). */
export function allowedKeys(schema: AnySchema, data: unknown): string[] {
  const inner = unwrap(schema).schema;
  const def = defOf(inner);
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.type === "union") {
    if (def.discriminator) {
      const option = pickOption(def, data);
      if (
        option &&
        isRecord(data) &&
        literalValues(option, def.discriminator).includes(data[def.discriminator])
      )
        return allowedKeys(option, data);
    }
    return [...new Set((def.options ?? []).flatMap((option) => allowedKeys(option, data)))];
  }
  return [];
}

/** Literal or enum values accepted by a schema, e.g. the policy kinds. */
export function acceptedValues(schema: AnySchema): unknown[] {
  const def = defOf(unwrap(schema).schema);
  if (def.values) return def.values;
  if (def.entries) return Object.values(def.entries);
  return [];
}

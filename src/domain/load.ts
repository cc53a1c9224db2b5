import { createHash } from "node:crypto";
import { resolve } from "node:path";
import {
  type BaseScenario,
  type BaseSource,
  BUILTIN_PREFIX,
  builtinResolver,
  type ExtendsResolver,
  fileResolver,
} from "./extends.js";
import {
  MAX_DOCUMENT_BYTES,
  readBytes,
  readSourceDocument,
  type SourceDocument,
  sortIssues,
  validateDocument,
  withReadIssues,
} from "./document.js";
import { isWorkbook, readScenarioWorkbook } from "./formats/xlsx/read.js";
import { ValidationError, type ValidationIssue } from "./issues.js";
import { applyPatch, mergedLocator, startMerge } from "./merge.js";
import { checkReferences } from "./references.js";
import { Scenario } from "./scenario.js";
import { ScenarioPatch } from "./scenario-patch.js";
import { issuesFromZod, position } from "./zod-issues.js";

export { listBuiltinScenarios, fileResolver, builtinResolver } from "./extends.js";
export type { BaseNotFound, BaseScenario, BaseSource, ExtendsResolver } from "./extends.js";

/**
 * Loading a scenario: parse the text, follow `extends` down to a full base scenario, apply the patches
 * from the base up, validate the merged result against the full schema, then check its references.
 * Bases come only from the resolver the caller passes (and `builtin:` names from the shipped built-ins):
 * the loader itself reads nothing, so a server's loader cannot be made to read the server's disk.
 */

/** Deeper chains are almost certainly a mistake, and bound the work a hostile input can cause. */
const MAX_EXTENDS_DEPTH = 16;

/** One document of an `extends` chain: its parsed content and its origin (for cycles and relative names). */
interface Layer {
  doc: SourceDocument;
  origin: string;
}

/** A base the chain read, with the hash of its exact text: a run records these to be repeated. */
export interface ResolvedBase {
  label: string;
  source: BaseSource;
  /** SHA-256 of the base's text, hex */
  contentHash: string;
}

export interface ResolvedScenario {
  scenario: Scenario;
  /** the bases of the `extends` chain, the full base scenario first */
  bases: ResolvedBase[];
}

/** The top document: its text, the name issues give it, and its origin for the resolver. */
export interface ScenarioText {
  text: string | Uint8Array;
  file: string;
  /** default: `file` */
  origin?: string;
}

/** CLI: a scenario file on disk, or a shipped one by `builtin:<name>`; its bases are files next to it. */
export async function loadScenario(pathOrBuiltin: string): Promise<Scenario> {
  if (pathOrBuiltin.startsWith(BUILTIN_PREFIX)) {
    const found = await builtin(pathOrBuiltin);
    return (
      await resolveScenario({ text: found.text, file: found.label, origin: found.origin }, builtinResolver)
    ).scenario;
  }
  const text = await readBytes(pathOrBuiltin);
  const top = { text, file: pathOrBuiltin, origin: resolve(pathOrBuiltin) };
  return (await resolveScenario(top, fileResolver())).scenario;
}

/** The bytes of a scenario file on disk, or of a shipped one by `builtin:<name>` (e.g. to export it as written). */
export async function readScenarioFile(pathOrBuiltin: string): Promise<string | Uint8Array> {
  if (!pathOrBuiltin.startsWith(BUILTIN_PREFIX)) return readBytes(pathOrBuiltin);
  return (await builtin(pathOrBuiltin)).text;
}

/** A shipped scenario by `builtin:<name>`, or the problem naming the built-ins there are. */
async function builtin(name: string) {
  const found = await builtinResolver.resolve(name, "");
  if ("notFound" in found)
    throw problem(
      { file: name },
      "",
      found.expected,
      `'${name}'`,
      `unknown built-in scenario '${name}'${found.detail}`,
    );
  return found;
}

/** A scenario document: an Excel workbook (.xlsx, or any zip) or YAML/JSON text. */
export function readScenarioSource(input: string | Uint8Array, file: string): SourceDocument {
  if (typeof input === "string" || !isWorkbook(input, file)) return readSourceDocument(input, file);
  if (input.length > MAX_DOCUMENT_BYTES) {
    const mb = (input.length / 1024 / 1024).toFixed(1);
    throw problem(
      { file },
      "",
      "at most 50 MB",
      `${mb} MB`,
      `the file is too large (${mb} MB; the limit is 50 MB)`,
    );
  }
  return readScenarioWorkbook(input, file);
}

/** Scenario text whose `extends` the resolver answers (for text without a file: file "<stdin>", "<request>"). */
export async function parseScenarioText(
  input: string | Uint8Array,
  file: string,
  resolver: ExtendsResolver,
): Promise<Scenario> {
  const origin = file.startsWith("<") ? file : resolve(file);
  return (await resolveScenario({ text: input, file, origin }, resolver)).scenario;
}

/** The scenario and the exact bases it was built from. */
export async function resolveScenario(
  top: ScenarioText,
  resolver: ExtendsResolver,
): Promise<ResolvedScenario> {
  const layers = await collectLayers(
    { doc: readScenarioSource(top.text, top.file), origin: top.origin ?? top.file },
    [],
    resolver,
  );
  const bases = layers.slice(0, -1).map((layer) => layer.base!);
  const [root, ...patches] = layers;
  if (patches.length === 0) {
    // a workbook's reading problems are reported with the schema's, or with the references' when it passes
    const { data, locate } = root!.doc;
    const read = root!.doc.issues ?? [];
    const parsed = Scenario.safeParse(data, { reportInput: true });
    if (!parsed.success)
      throw new ValidationError(
        sortIssues(withReadIssues(read, issuesFromZod(parsed.error, { schema: Scenario, data, locate }))),
      );
    return { scenario: finish([root!.doc], parsed.data, undefined, read), bases };
  }

  validateDocument(root!.doc, Scenario); // a base is a full scenario: its own errors point into it
  const merged = startMerge(root!.doc.data as Record<string, unknown>);
  const removeIssues = patches.flatMap((layer, i) =>
    applyPatch(merged, layer.doc.data as Record<string, unknown>, i + 1, layer.doc),
  );
  if (removeIssues.length) throw new ValidationError(sortIssues(removeIssues));

  const docs = layers.map((layer) => layer.doc);
  const locate = mergedLocator(docs, merged);
  const read = layers.flatMap((layer) => layer.doc.issues ?? []);
  const result = Scenario.safeParse(merged.data, { reportInput: true });
  if (!result.success)
    throw new ValidationError(
      sortIssues(
        withReadIssues(read, issuesFromZod(result.error, { schema: Scenario, data: merged.data, locate })),
      ),
    );
  return { scenario: finish(docs, result.data, locate, read), bases };
}

function finish(
  docs: SourceDocument[],
  scenario: Scenario,
  locate: SourceDocument["locate"] | undefined,
  read: ValidationIssue[] = [],
): Scenario {
  const issues = withReadIssues(read, checkReferences(scenario, locate ?? docs[0]!.locate));
  if (issues.length) throw new ValidationError(sortIssues(issues));
  return scenario;
}

/** The chain from the full base scenario (first) to `layer` (last); patches are shape-checked here. */
async function collectLayers(
  layer: Layer & { base?: ResolvedBase },
  chain: Layer[],
  resolver: ExtendsResolver,
): Promise<(Layer & { base?: ResolvedBase })[]> {
  const data = layer.doc.data;
  const extendsValue = isRecord(data) ? data.extends : undefined;
  if (extendsValue === undefined) return [layer];
  validateDocument(layer.doc, ScenarioPatch);
  const here = { file: layer.doc.file, ...positionOf(layer.doc) };
  const trail = [...chain, layer];
  if (trail.length > MAX_EXTENDS_DEPTH)
    throw problem(
      here,
      "extends",
      `a chain of at most ${MAX_EXTENDS_DEPTH} files`,
      `${trail.length} files`,
      `the extends chain is longer than ${MAX_EXTENDS_DEPTH} files`,
    );

  const target = String(extendsValue);
  // shipped scenarios (and the bases they extend) always come from the package, by name
  const inBuiltins = target.startsWith(BUILTIN_PREFIX) || layer.origin.startsWith(BUILTIN_PREFIX);
  const found = await (inBuiltins ? builtinResolver : resolver).resolve(target, layer.origin);
  if ("notFound" in found) {
    const what = target.startsWith(BUILTIN_PREFIX) ? "unknown built-in scenario" : "base scenario not found:";
    throw problem(here, "extends", found.expected, `'${target}'`, `${what} '${target}'${found.detail}`);
  }
  const loop = trail.findIndex((l) => l.origin === found.origin);
  if (loop >= 0) {
    const names = [...trail.slice(loop).map((l) => l.doc.file), found.label];
    throw problem(
      here,
      "extends",
      "a base that does not extend this file again",
      names.join(" → "),
      `extends forms a cycle: ${names.join(" → ")}`,
    );
  }
  const baseLayer = {
    doc: readScenarioSource(found.text, found.label),
    origin: found.origin,
    base: resolvedBase(found),
  };
  const below = await collectLayers(baseLayer, trail, resolver);
  return [...below, layer];
}

function resolvedBase(found: BaseScenario): ResolvedBase {
  const contentHash = createHash("sha256").update(found.text).digest("hex");
  return { label: found.label, source: found.source, contentHash };
}

function positionOf(doc: SourceDocument): Omit<ReturnType<typeof position>, "file"> {
  const { file: _, ...at } = position(doc.locate(["extends"], "value"));
  return at;
}

function problem(
  at: Partial<ValidationIssue> & { file: string },
  path: string,
  expected: string,
  found: string,
  message: string,
): ValidationError {
  return new ValidationError([{ ...at, path, expected, found, message }]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

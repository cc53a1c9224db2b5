import { readdirSync } from "node:fs";
import { dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  readBytes,
  readSourceDocument,
  type SourceDocument,
  sortIssues,
  validateDocument,
} from "./document.js";
import { ValidationError, type ValidationIssue } from "./issues.js";
import { applyPatch, mergedLocator, startMerge } from "./merge.js";
import { checkReferences } from "./references.js";
import { Scenario } from "./scenario.js";
import { ScenarioPatch } from "./scenario-patch.js";
import { didYouMean } from "./suggest.js";
import { issuesFromZod } from "./zod-issues.js";

/**
 * Loading a scenario: read the file, follow `extends` down to a full base scenario, apply the patches
 * from the base up, validate the merged result against the full schema, then check its references.
 * `builtin:<name>` names a scenario shipped in data/scenarios/ (works from src/ and dist/).
 */

const BUILTIN_PREFIX = "builtin:";
const BUILTIN_DIR = fileURLToPath(new URL("../../data/scenarios/", import.meta.url));
const SCENARIO_EXTENSIONS = [".yaml", ".yml", ".json"];
/** Deeper chains are almost certainly a mistake, and bound the work a hostile input can cause. */
const MAX_EXTENDS_DEPTH = 16;

/** One file of an `extends` chain: its parsed document and its key for cycle detection. */
interface Layer {
  doc: SourceDocument;
  /** absolute path, or the builtin's path */
  key: string;
}

export async function loadScenario(pathOrBuiltin: string): Promise<Scenario> {
  const { path, label } = pathOrBuiltin.startsWith(BUILTIN_PREFIX)
    ? resolveBuiltin(pathOrBuiltin, { file: pathOrBuiltin })
    : { path: pathOrBuiltin, label: pathOrBuiltin };
  const bytes = await readBytes(path);
  return resolveLayers(readSourceDocument(bytes, label), resolve(path), dirname(resolve(path)), readBytes);
}

export interface ParseOptions {
  /** folder that relative `extends` paths start from (default: the file's folder, or the working directory) */
  baseDir?: string;
  /** reads a base scenario by absolute path (default: from disk) — e.g. a project's scenarios held in a store */
  readFile?: (path: string) => Promise<Uint8Array>;
}

export async function parseScenarioText(
  input: string | Uint8Array,
  file: string,
  options: ParseOptions = {},
): Promise<Scenario> {
  const doc = readSourceDocument(input, file);
  const baseDir = options.baseDir ?? (file.startsWith("<") ? process.cwd() : dirname(resolve(file)));
  return resolveLayers(
    doc,
    file.startsWith("<") ? file : resolve(file),
    baseDir,
    options.readFile ?? readBytes,
  );
}

type ReadFile = (path: string) => Promise<Uint8Array>;

/** Names of the shipped scenarios, e.g. "alfa/base", usable as `builtin:alfa/base`. */
export function listBuiltinScenarios(): string[] {
  const names: string[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no data directory (e.g. a trimmed install): no builtins
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(resolve(dir, entry.name), `${prefix}${entry.name}/`);
      else if (SCENARIO_EXTENSIONS.includes(extname(entry.name)))
        names.push(`${prefix}${entry.name.slice(0, -extname(entry.name).length)}`);
    }
  };
  walk(BUILTIN_DIR, "");
  return names.sort();
}

async function resolveLayers(
  top: SourceDocument,
  key: string,
  baseDir: string,
  readFile: ReadFile,
): Promise<Scenario> {
  const layers = await collectLayers({ doc: top, key }, baseDir, [], readFile);
  const [root, ...patches] = layers;
  if (patches.length === 0) return finish([root!.doc], validateDocument(root!.doc, Scenario), undefined);

  validateDocument(root!.doc, Scenario); // a base is a full scenario: its own errors point into it
  const merged = startMerge(root!.doc.data as Record<string, unknown>);
  const removeIssues = patches.flatMap((layer, i) =>
    applyPatch(merged, layer.doc.data as Record<string, unknown>, i + 1, layer.doc),
  );
  if (removeIssues.length) throw new ValidationError(sortIssues(removeIssues));

  const docs = layers.map((layer) => layer.doc);
  const locate = mergedLocator(docs, merged);
  const result = Scenario.safeParse(merged.data, { reportInput: true });
  if (!result.success)
    throw new ValidationError(
      sortIssues(issuesFromZod(result.error, { schema: Scenario, data: merged.data, locate })),
    );
  return finish(docs, result.data, locate);
}

function finish(
  docs: SourceDocument[],
  scenario: Scenario,
  locate: SourceDocument["locate"] | undefined,
): Scenario {
  const issues = checkReferences(scenario, locate ?? docs[0]!.locate);
  if (issues.length) throw new ValidationError(sortIssues(issues));
  return scenario;
}

/** The chain from the full base scenario (first) to `layer` (last); patches are shape-checked here. */
async function collectLayers(
  layer: Layer,
  baseDir: string,
  chain: Layer[],
  readFile: ReadFile,
): Promise<Layer[]> {
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
  const base = target.startsWith(BUILTIN_PREFIX)
    ? resolveBuiltin(target, here)
    : {
        path: isAbsolute(target) ? target : resolve(baseDir, target),
        label: displayPath(isAbsolute(target) ? target : resolve(baseDir, target)),
      };
  const baseKey = resolve(base.path);
  const loop = trail.findIndex((l) => l.key === baseKey);
  if (loop >= 0) {
    const names = [...trail.slice(loop).map((l) => l.doc.file), base.label];
    throw problem(
      here,
      "extends",
      "a base that does not extend this file again",
      names.join(" → "),
      `extends forms a cycle: ${names.join(" → ")}`,
    );
  }
  // shipped scenarios (and the bases they extend) always come from the package; others through the caller
  const reader = target.startsWith(BUILTIN_PREFIX) ? readBytes : readFile;
  let bytes: Uint8Array;
  try {
    bytes = await reader(base.path);
  } catch {
    throw problem(
      here,
      "extends",
      "the path of an existing scenario file, relative to this file",
      `'${target}'`,
      `base scenario not found: '${target}' (looked for ${displayPath(base.path)})`,
    );
  }
  const baseLayer = { doc: readSourceDocument(bytes, base.label), key: baseKey };
  const below = await collectLayers(baseLayer, dirname(baseKey), trail, reader);
  return [...below, layer];
}

function resolveBuiltin(
  name: string,
  at: { file: string; line?: number; column?: number },
): { path: string; label: string } {
  const short = name.slice(BUILTIN_PREFIX.length);
  const known = listBuiltinScenarios();
  if (!known.includes(short)) {
    const hint =
      didYouMean(short, known) ||
      (known.length ? ` (available: ${known.join(", ")})` : " (none are installed)");
    throw problem(
      at,
      at.line ? "extends" : "",
      "the name of a built-in scenario",
      `'${name}'`,
      `unknown built-in scenario '${name}'${hint}`,
    );
  }
  const file = SCENARIO_EXTENSIONS.map((ext) => resolve(BUILTIN_DIR, `${short}${ext}`)).find((p) =>
    readdirSync(dirname(p)).includes(p.slice(dirname(p).length + 1)),
  )!;
  return { path: file, label: name };
}

function positionOf(doc: SourceDocument): { line?: number; column?: number } {
  const { line, column } = doc.locate(["extends"], "value");
  return { line, column };
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

function problem(
  at: { file: string; line?: number; column?: number },
  path: string,
  expected: string,
  found: string,
  message: string,
): ValidationError {
  const issue: ValidationIssue = { file: at.file, path, expected, found, message };
  if (at.line !== undefined) Object.assign(issue, { line: at.line, column: at.column });
  return new ValidationError([issue]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

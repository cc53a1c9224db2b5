import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { didYouMean } from "./suggest.js";

/**
 * Where the bases an `extends` names come from. The loader never reads anything itself: it asks a resolver,
 * so what a document can reach is decided by who loads it — the CLI's files on disk (fileResolver), a
 * project's stored scenarios (the server), and always the shipped built-ins (builtinResolver, by name only).
 */

/** What a base was read from, recorded so that a run can later be repeated on exactly the same bases. */
export type BaseSource =
  | { kind: "file"; path: string }
  | { kind: "builtin"; name: string }
  | { kind: "stored"; scenarioId: string; version: number; fileName: string };

export interface BaseScenario {
  /** identifies the base: cycles are found by it, and its own relative `extends` start from it */
  origin: string;
  /** how issues name it: a name the caller already knows */
  label: string;
  text: string | Uint8Array;
  source: BaseSource;
}

/** A name that resolves to nothing; `detail` must only say what the caller may know (never a server path). */
export interface BaseNotFound {
  notFound: true;
  expected: string;
  detail: string;
}

export interface ExtendsResolver {
  /** `from` is the origin of the document whose `extends` names `target` */
  resolve(target: string, from: string): Promise<BaseScenario | BaseNotFound>;
}

export const BUILTIN_PREFIX = "builtin:";
const BUILTIN_DIR = fileURLToPath(new URL("../../data/scenarios/", import.meta.url));
const SCENARIO_EXTENSIONS = [".yaml", ".yml", ".json"];

/** Shipped scenarios: name (e.g. "alfa/base") → file. Names come from listing the folder, never from input. */
function builtinFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no data directory (e.g. a trimmed install): no builtins
    }
    for (const entry of entries) {
      const ext = extname(entry.name);
      if (entry.isDirectory()) walk(resolve(dir, entry.name), `${prefix}${entry.name}/`);
      else if (SCENARIO_EXTENSIONS.includes(ext))
        files.set(`${prefix}${entry.name.slice(0, -ext.length)}`, resolve(dir, entry.name));
    }
  };
  walk(BUILTIN_DIR, "");
  return files;
}

/** Names of the shipped scenarios, e.g. "alfa/base", usable as `builtin:alfa/base`. */
export function listBuiltinScenarios(): string[] {
  return [...builtinFiles().keys()].sort();
}

/**
 * Built-ins by name: `builtin:alfa/base`, or from inside a built-in a sibling's file name (`base.yaml`). A name
 * must be one of the listed built-ins, so `builtin:../../x` names nothing.
 */
export const builtinResolver: ExtendsResolver = {
  async resolve(target, from) {
    const files = builtinFiles();
    const name = target.startsWith(BUILTIN_PREFIX)
      ? target.slice(BUILTIN_PREFIX.length)
      : posix.join(posix.dirname(from.slice(BUILTIN_PREFIX.length)), withoutExtension(target));
    const file = files.get(name);
    if (file === undefined) {
      const known = [...files.keys()].sort();
      const hint =
        didYouMean(name, known) ||
        (known.length ? ` (available: ${known.join(", ")})` : " (none are installed)");
      return { notFound: true, expected: "the name of a built-in scenario", detail: hint };
    }
    const origin = `${BUILTIN_PREFIX}${name}`;
    return { origin, label: origin, text: await readFile(file), source: { kind: "builtin", name } };
  },
};

function withoutExtension(name: string): string {
  const ext = extname(name);
  return SCENARIO_EXTENSIONS.includes(ext) ? name.slice(0, -ext.length) : name;
}

/**
 * Files on disk, for the CLI: a relative name starts from the extending file's folder (from `baseDir` for
 * text without a file, such as stdin). Only for a user's own machine — a server must never use it.
 */
export function fileResolver(baseDir = process.cwd()): ExtendsResolver {
  return {
    async resolve(target, from) {
      const dir = from.startsWith("<") ? baseDir : dirname(from);
      const path = isAbsolute(target) ? target : resolve(dir, target);
      try {
        return {
          origin: path,
          label: displayPath(path),
          text: await readFile(path),
          source: { kind: "file", path },
        };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === "ENOENT" ? "" : code === "EISDIR" ? ", it is a directory" : `, ${code ?? "unreadable"}`;
        return {
          notFound: true,
          expected: "the path of an existing scenario file, relative to this file",
          detail: ` (looked for ${displayPath(path)}${why})`,
        };
      }
    },
  };
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

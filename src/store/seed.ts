import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { type Store, StoreError } from "./types.js";

/** The projects shipped with Portello: one folder of scenario files each under data/scenarios/. */
export const BUILTIN_PROJECTS = [
  {
    slug: "alfa-romeo",
    folder: "alfa",
    name: "Alfa Romeo",
    description:
      "Should Alfa Romeo build its next electric E-segment cars in the United States? The base case and its variants.",
  },
];

/** The note of every version the seed writes; a version with another note was written by a user. */
export const SHIPPED_NOTE = "shipped with Portello";

/** data/scenarios, from src/store (tsx) as from dist/store (built): both sit two levels below the package. */
export const BUILTIN_SCENARIOS_DIR = fileURLToPath(new URL("../../data/scenarios/", import.meta.url));

/**
 * Seeds the built-in projects: creates each project and every scenario file it lacks, as version 1.
 * Idempotent; it never adds a version to a scenario that exists, so users' edits stay untouched.
 */
export async function seedBuiltinProjects(
  store: Store,
  scenariosDir = BUILTIN_SCENARIOS_DIR,
): Promise<number> {
  let created = 0;
  for (const builtin of BUILTIN_PROJECTS) {
    const folder = join(scenariosDir, builtin.folder);
    if (!existsSync(folder)) continue;
    const project = await ensureProject(store, builtin);
    for (const file of scenarioFiles(folder)) {
      if (await store.findScenarioByFileName(project.id, file)) continue;
      const content = readFileSync(join(folder, file), "utf8");
      try {
        await store.createScenario(project.id, {
          name: scenarioName(content, file),
          fileName: file,
          content,
          note: SHIPPED_NOTE,
        });
        created++;
      } catch (error) {
        // another process seeded it at the same moment
        if (!(error instanceof StoreError && error.kind === "conflict")) throw error;
      }
    }
  }
  return created;
}

async function ensureProject(store: Store, builtin: (typeof BUILTIN_PROJECTS)[number]) {
  try {
    return await store.getProject(builtin.slug);
  } catch (error) {
    if (!(error instanceof StoreError && error.kind === "not-found")) throw error;
  }
  try {
    return await store.createProject({ ...builtin, builtin: true });
  } catch (error) {
    if (error instanceof StoreError && error.kind === "conflict") return store.getProject(builtin.slug);
    throw error;
  }
}

/** YAML files, the base first so that variants extending it come after it in lists. */
function scenarioFiles(folder: string): string[] {
  const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/i.test(f));
  const isBase = (f: string) => /^base\./.test(f);
  return files.sort((a, b) => Number(isBase(b)) - Number(isBase(a)) || a.localeCompare(b));
}

/** The scenario's own `name:`, else the file stem; a seed never fails on a file it cannot read as YAML. */
function scenarioName(content: string, file: string): string {
  try {
    const doc = parse(content) as { name?: unknown } | null;
    if (doc && typeof doc.name === "string" && doc.name.trim()) return doc.name.trim();
  } catch {
    // fall through to the file name
  }
  return basename(file).replace(/\.[^.]+$/, "");
}

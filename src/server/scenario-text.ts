import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "../domain/issues.js";
import { parseScenarioText } from "../domain/load.js";
import type { Scenario } from "../domain/scenario.js";
import type { Store } from "../store/types.js";

/**
 * Validates scenario text saved in the store. A stored scenario may `extends: base.yaml`, naming another
 * scenario of its project by file name, as files in one folder do: the project's latest versions are laid out
 * as files in a private temporary folder for the loader, and removed afterwards. Issues name the project's
 * file names, never the temporary folder.
 */
export async function parseStoredScenario(
  store: Store,
  text: string,
  fileName: string,
  projectId?: string,
): Promise<Scenario> {
  if (!projectId || !/^\s*["']?extends["']?\s*:/m.test(text)) return parseScenarioText(text, fileName);
  const dir = mkdtempSync(join(tmpdir(), "portello-project-"));
  try {
    for (const scenario of await store.listScenarios(projectId)) {
      if (scenario.fileName === fileName) continue;
      const latest = await store.getVersion(scenario.id);
      writeFileSync(join(dir, scenario.fileName), latest.content);
    }
    writeFileSync(join(dir, fileName), text);
    return await parseScenarioText(text, join(dir, fileName), { baseDir: dir });
  } catch (error) {
    if (error instanceof ValidationError) throw withoutFolder(error, dir);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withoutFolder(error: ValidationError, dir: string): ValidationError {
  const strip = (s: string) => s.split(`${dir}/`).join("");
  return new ValidationError(
    error.issues.map((i) => ({
      ...i,
      file: strip(i.file),
      message: strip(i.message),
      found: i.found && strip(i.found),
    })),
  );
}

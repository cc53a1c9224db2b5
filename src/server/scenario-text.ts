import { join } from "node:path";
import { ValidationError } from "../domain/issues.js";
import { parseScenarioText } from "../domain/load.js";
import type { Scenario } from "../domain/scenario.js";
import type { Store } from "../store/types.js";

/** A folder that exists nowhere: stored scenarios are addressed as its files, and read from the store. */
const PROJECT_DIR = "/portello-project";

/**
 * Validates scenario text saved in the store. A stored scenario may `extends: base.yaml`, naming another
 * scenario of its project by file name, as files in one folder do: the loader reads exactly the bases the chain
 * names, each the latest version in the store (nothing is written to disk). Issues name the project's file
 * names, never the virtual folder.
 */
export async function parseStoredScenario(
  store: Store,
  text: string,
  fileName: string,
  projectId?: string,
): Promise<Scenario> {
  if (!projectId || !/^\s*["']?extends["']?\s*:/m.test(text)) return parseScenarioText(text, fileName);
  const readFile = async (path: string): Promise<Uint8Array> => {
    const name = path.startsWith(`${PROJECT_DIR}/`) ? path.slice(PROJECT_DIR.length + 1) : undefined;
    const scenario = name && (await store.findScenarioByFileName(projectId, name));
    if (!scenario) throw new Error(`no scenario '${path}' in the project`);
    return new TextEncoder().encode((await store.getVersion(scenario.id)).content);
  };
  try {
    return await parseScenarioText(text, join(PROJECT_DIR, fileName), { baseDir: PROJECT_DIR, readFile });
  } catch (error) {
    if (error instanceof ValidationError) throw withoutFolder(error);
    throw error;
  }
}

function withoutFolder(error: ValidationError): ValidationError {
  const strip = (s: string) => s.split(`${PROJECT_DIR}/`).join("");
  return new ValidationError(
    error.issues.map((i) => ({
      ...i,
      file: strip(i.file),
      message: strip(i.message),
      found: i.found && strip(i.found),
    })),
  );
}

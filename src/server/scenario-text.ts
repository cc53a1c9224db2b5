import {
  type BaseNotFound,
  type BaseScenario,
  type ExtendsResolver,
  type ResolvedBase,
  type ResolvedScenario,
  resolveScenario,
} from "../domain/load.js";
import type { Scenario } from "../domain/scenario.js";
import type { ScenarioVersion, Store } from "../store/types.js";

/**
 * Scenario text held by the server (posted or stored). Its `extends` reaches only scenarios of its own
 * project — by file name, as files in one folder do — and the shipped `builtin:` scenarios: the resolver
 * asks the store, never the disk, whatever the syntax of the document.
 */
export interface StoredScenarioText {
  /** YAML or JSON text, or an uploaded workbook's bytes */
  content: string | Uint8Array;
  fileName: string;
  /** the project whose scenarios `extends` may name; without one only built-ins resolve */
  projectId?: string;
  /** a run's recorded bases: each name resolves to the version recorded, not the latest */
  pinned?: readonly ResolvedBase[];
}

export async function resolveStoredScenario(
  store: Store,
  input: StoredScenarioText,
): Promise<ResolvedScenario> {
  const top = { text: input.content, file: input.fileName, origin: originOf(input.fileName) };
  return resolveScenario(top, projectResolver(store, input.projectId, input.pinned));
}

/** A stored version of a scenario, resolved on the latest versions of its bases, or on `pinned` ones. */
export async function resolveStoredVersion(
  store: Store,
  scenarioId: string,
  number?: number,
  pinned?: readonly ResolvedBase[],
): Promise<{ version: ScenarioVersion; resolved: ResolvedScenario }> {
  const scenario = await store.getScenario(scenarioId);
  const version = await store.getVersion(scenario.id, number);
  const resolved = await resolveStoredScenario(store, {
    content: version.content,
    fileName: scenario.fileName,
    projectId: scenario.projectId,
    ...(pinned ? { pinned } : {}),
  });
  return { version, resolved };
}

/**
 * A run's scenario resolved on the bases it recorded. `changed` names the bases that resolve differently now
 * (e.g. a built-in updated with Portello); empty when the run's scenario is had exactly.
 */
export async function resolveRunScenario(
  store: Store,
  run: { scenarioId: string; versionNumber: number; bases: readonly ResolvedBase[] },
): Promise<{ resolved: ResolvedScenario; changed: string[] }> {
  const { resolved } = await resolveStoredVersion(store, run.scenarioId, run.versionNumber, run.bases);
  const changed = resolved.bases
    .filter((b, i) => b.contentHash !== run.bases[i]?.contentHash)
    .map((b) => `'${b.label}'`);
  if (changed.length === 0 && resolved.bases.length !== run.bases.length) changed.push("chain");
  return { resolved, changed };
}

export async function parseStoredScenario(
  store: Store,
  content: string | Uint8Array,
  fileName: string,
  projectId?: string,
): Promise<Scenario> {
  return (await resolveStoredScenario(store, { content, fileName, projectId })).scenario;
}

function originOf(fileName: string): string {
  return `project:${fileName}`;
}

/** The project's scenarios by exact file name (`./` allowed): the latest version, or the pinned one. */
function projectResolver(
  store: Store,
  projectId: string | undefined,
  pinned: readonly ResolvedBase[] | undefined,
): ExtendsResolver {
  return {
    async resolve(target): Promise<BaseScenario | BaseNotFound> {
      const expected = "the file name of a scenario of this project, or builtin:<name>";
      if (projectId === undefined)
        return {
          notFound: true,
          expected,
          detail: ": without a project, only built-in scenarios (builtin:<name>) can be extended",
        };
      const fileName = target.startsWith("./") ? target.slice(2) : target;
      const at = pinned
        ? await pinnedVersion(store, pinned, fileName)
        : await latestVersion(store, projectId, fileName);
      if (at === undefined) {
        const names = (await store.listScenarios(projectId)).map((s) => s.fileName);
        const shown = names.slice(0, 20).join(", ") + (names.length > 20 ? ", …" : "");
        const detail = pinned
          ? ": the run did not record a base of that name"
          : `: no scenario of this project has that file name${names.length ? ` (its scenarios: ${shown})` : ""}`;
        return { notFound: true, expected, detail };
      }
      return {
        origin: originOf(fileName),
        label: fileName,
        text: at.content,
        source: { kind: "stored", scenarioId: at.scenarioId, version: at.number, fileName },
      };
    },
  };
}

async function latestVersion(store: Store, projectId: string, fileName: string) {
  const scenario = await store.findScenarioByFileName(projectId, fileName);
  return scenario && store.getVersion(scenario.id);
}

async function pinnedVersion(store: Store, pinned: readonly ResolvedBase[], fileName: string) {
  const pin = pinned.find((b) => b.source.kind === "stored" && b.source.fileName === fileName)?.source;
  return pin?.kind === "stored" ? store.getVersion(pin.scenarioId, pin.version) : undefined;
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type QuestionAnswer, answerToJson } from "../../analysis/question.js";
import { resolveStoredVersion } from "../../server/scenario-text.js";
import { contentHash } from "../../store/sql-store.js";
import {
  BUILTIN_PROJECTS,
  BUILTIN_SCENARIOS_DIR,
  SHIPPED_NOTE,
  seedBuiltinProjects,
} from "../../store/seed.js";
import type { Store } from "../../store/types.js";

/** What `portello demo --save` stored: the answer and one run per option it could link to a stored version. */
export interface SavedAnswer {
  projectSlug: string;
  answerId: string;
  /** option scenario → run id */
  runs: Record<string, string>;
  /** options whose stored scenario no longer has the built-in file's content (edited in the app) */
  notLinked: string[];
}

/**
 * Stores a question's answer in the project that holds its scenarios, with each option's plan as a finished
 * run of the stored version whose content is the built-in file's. Where no version has it (the file changed
 * since the store was seeded), the file is appended as a new version only if the latest version is a shipped
 * one too; a scenario whose latest version the user wrote keeps it as latest, and the option is reported as
 * not linked — as is one whose stored bases (e.g. an edited base.yaml) no longer make the scenario solved.
 * Each run records the versions of its bases, so it can be re-run.
 */
export async function saveAnswer(store: Store, answer: QuestionAnswer): Promise<SavedAnswer> {
  await seedBuiltinProjects(store);
  const folder = answer.options[0]!.scenario.split("/")[0]!;
  const builtin = BUILTIN_PROJECTS.find((p) => p.folder === folder);
  if (!builtin) throw new Error(`no built-in project holds the scenarios of data/scenarios/${folder}`);
  const project = await store.getProject(builtin.slug);
  const runs: Record<string, string> = {};
  const notLinked: string[] = [];
  for (const option of answer.options) {
    const fileName = `${option.scenario.slice(folder.length + 1)}.yaml`;
    const stored = await store.findScenarioByFileName(project.id, fileName);
    const file = join(BUILTIN_SCENARIOS_DIR, folder, fileName);
    const version = stored && (await versionOfFile(store, stored.id, file));
    // the stored chain (the version and the latest of its bases) must be the scenario the demo solved
    const chain =
      stored && version ? (await resolveStoredVersion(store, stored.id, version)).resolved : undefined;
    if (!stored || !version || !chain || JSON.stringify(chain.scenario) !== JSON.stringify(option.resolved)) {
      notLinked.push(option.scenario);
      continue;
    }
    const run = await store.createRun({
      scenarioId: stored.id,
      versionNumber: version,
      solver: option.plan.solver.name,
      options: { source: "portello demo", case: answer.case.id },
      bases: chain.bases,
    });
    await store.markRunStarted(run.id);
    await store.finishRun(run.id, {
      status: "succeeded",
      plan: option.plan,
      timings: { solve: option.plan.solver.seconds },
    });
    runs[option.scenario] = run.id;
  }
  const saved = await store.saveAnswer(project.id, answer.case.id, {
    ...answerToJson(answer),
    runs,
    notLinked,
  });
  return { projectSlug: project.slug, answerId: saved.id, runs, notLinked };
}

/** The number of the stored version holding the file's content, appending it when that buries no user edit. */
async function versionOfFile(store: Store, scenarioId: string, file: string): Promise<number | undefined> {
  const content = readFileSync(file, "utf8");
  const hash = contentHash(content);
  const versions = await store.listVersions(scenarioId);
  const match = versions.filter((v) => v.contentHash === hash).at(-1);
  if (match) return match.number;
  if (!versions.at(-1)?.note.startsWith(SHIPPED_NOTE)) return undefined;
  return (await store.saveVersion(scenarioId, { content, note: `${SHIPPED_NOTE} (updated)` })).number;
}

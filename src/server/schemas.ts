import { z } from "zod";
import { AtlasPlantStatus } from "../domain/atlas.js";
import { Role } from "../store/accounts.js";
import { RUN_STATUSES } from "../store/types.js";
import { SOLVE_METHODS } from "../plan/solve.js";

/** Request and response schemas of the HTTP API: they validate requests and generate /api/openapi.json. */

/** PostgreSQL text cannot hold NUL: refuse it at the door rather than fail in the database. */
const Text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\u0000"), "text without NUL characters");
/** Ids and slugs in paths and queries: UUIDs, slugs. */
const Ident = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "an id: letters, digits, '.', '_' or '-'");

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and '-', starting with a letter or digit");
const FileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(yaml|yml|json)$/, "a file name ending in .yaml, .yml or .json");
/** The scenario text, YAML or JSON, as a user would save it to a file. */
const Content = Text(5_000_000).min(1, "the scenario text is empty");
const Note = Text(2000);
const VersionNumber = z.coerce.number().int().min(1).describe("version number, from 1");

export const ProjectParams = z.object({ project: Ident.describe("project id or slug") });
export const ScenarioParams = z.object({ scenarioId: Ident });
export const VersionParams = z.object({ scenarioId: Ident, number: VersionNumber });
export const RunParams = z.object({ runId: Ident });

export const NewProjectBody = z.strictObject({
  name: Text(200).trim().min(1),
  slug: Slug.optional(),
  description: Text(5000).optional(),
});

export const NewScenarioBody = z.strictObject({
  name: Text(200).trim().min(1),
  fileName: FileName.optional().describe("name other scenarios of the project use in `extends:`"),
  content: Content,
  note: Note.optional(),
});

export const NewVersionBody = z.strictObject({
  content: Content,
  note: Note.optional(),
  baseVersion: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("the version your edit started from; a newer save meanwhile makes this save a 409 conflict"),
});

export const RestoreBody = z.strictObject({ note: Note.optional() });

export const ValidateBody = z.strictObject({
  content: Content,
  fileName: FileName.optional().describe("used in messages; default scenario.yaml"),
  project: Ident.optional().describe("project id or slug whose scenarios `extends:` may name"),
});

export const DiffQuery = z.object({
  from: VersionNumber.describe("the older version"),
  to: VersionNumber.optional().describe("the newer version; default the latest"),
  against: Ident.optional().describe(
    "another scenario's id: diff `to` of that scenario against `from` of this",
  ),
});

export const RunOptions = z.strictObject({
  timeLimitSeconds: z.number().positive().max(86_400).optional(),
  mipRelGap: z.number().min(0).max(1).optional(),
  explain: z.boolean().optional().describe("compute the 'why is it built there?' explanations"),
  method: z
    .enum(SOLVE_METHODS)
    .optional()
    .describe("monolithic MILP, Benders decomposition, or auto (default): chosen by the model's size"),
});
export type RunOptions = z.infer<typeof RunOptions>;

export const NewRunBody = z.strictObject({
  version: z.number().int().min(1).optional().describe("the version to solve; default the latest"),
  options: RunOptions.default({}),
});

export const RunsQuery = z.object({
  scenario: Ident.optional(),
  status: z.enum(RUN_STATUSES).optional(),
});

export const AtlasPlantsQuery = z.object({
  at: z.coerce.number().int().min(1800).max(2200).optional().describe("the year; default: this year"),
});

export const CompareQuery = z.object({
  runs: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(Ident).min(2, "give at least two run ids, comma-separated").max(10))
    .describe("comma-separated ids of finished runs"),
});

// ── responses ──────────────────────────────────────────────────────────────

/** What the web app shows a caller's write actions by: a viewer's are disabled rather than answered 403. */
const CallerRole = Role.describe(
  "the caller's role in the project (viewer < editor < owner); the single user of a loopback server without users is owner",
);

export const ProjectOut = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  createdAt: z.string(),
  role: CallerRole,
});

export const ScenarioOut = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  fileName: z.string(),
  latestVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const VersionSummaryOut = z.object({
  scenarioId: z.string(),
  number: z.number().int(),
  contentHash: z.string().describe("SHA-256 of the content, hex"),
  note: z.string(),
  restoredFrom: z.number().int().optional(),
  createdAt: z.string(),
});
export const VersionOut = VersionSummaryOut.extend({ content: z.string() });

export const ScenarioWithVersionOut = z.object({ scenario: ScenarioOut, version: VersionOut });
/** A scenario as its editor loads it: with what the caller may do to it. */
export const ScenarioPageOut = ScenarioWithVersionOut.extend({ role: CallerRole });

export const ValidationOut = z.object({
  valid: z.boolean(),
  issues: z.array(z.object({ text: z.string(), path: z.string(), message: z.string() }).passthrough()),
  summary: z
    .object({
      id: z.string(),
      name: z.string(),
      plants: z.number(),
      programs: z.number(),
      markets: z.number(),
    })
    .optional(),
});

export const RunOut = z.object({
  id: z.string(),
  scenarioId: z.string(),
  versionNumber: z.number().int(),
  solver: z.string(),
  options: z.record(z.string(), z.unknown()),
  status: z.enum(RUN_STATUSES),
  failureReason: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  timings: z.record(z.string(), z.number()),
  bases: z
    .array(
      z.object({
        label: z.string().describe("the name the extends chain used, e.g. base.yaml or builtin:alfa/base"),
        source: z
          .record(z.string(), z.unknown())
          .describe("stored scenario id and version, or built-in name"),
        contentHash: z.string().describe("SHA-256 of the base's text, hex"),
      }),
    )
    .optional()
    .describe(
      "the exact bases of the extends chain, full base first; absent on runs recorded before pinning",
    ),
  rerunOf: z.string().optional().describe("the run this one repeated"),
});

export const ProgressOut = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const NamedRef = z.object({ id: z.string(), name: z.string() });

export const AtlasPlantsOut = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    city: z.string().nullable(),
    country: z.string().describe("ISO 3166-1 alpha-2"),
    lat: z.number().nullable().describe("WGS84; null where no source gives it"),
    lon: z.number().nullable().describe("WGS84; null where no source gives it"),
    coordinatesNote: z.string().optional(),
    referenceOnly: z.boolean().describe("outside the network, kept as a precedent"),
    status: AtlasPlantStatus.nullable().describe("the sourced status in the year; null where none holds"),
    owner: NamedRef.nullable().describe("the owning group in the year"),
    brands: z.array(NamedRef).describe("brands the sources have built there in the year"),
    possibleBrands: z
      .array(NamedRef)
      .describe("brands whose production there started earlier and whose end is not sourced"),
    focusBrand: NamedRef.nullable().describe(
      "the atlas's focus brand (its dataset's focusBrand) when the plant builds it in the year, or possibly does",
    ),
  }),
);

export const PlanOut = z.record(z.string(), z.unknown()).describe("the Plan JSON (see src/plan/types.ts)");
export const AnyJson = z.unknown();

export const StudyParams = z.object({ studyId: Ident });

export const NewStudyBody = z.strictObject({
  content: Text(1_000_000)
    .min(1, "the study text is empty")
    .describe(
      "the study (YAML or JSON, docs/studies.md); its options name scenarios of this project by file name, or builtin:<name>",
    ),
  samples: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe("Monte Carlo samples instead of the spec's"),
});

export const StudyOut = z.object({
  id: z.string(),
  projectId: z.string().optional(),
  createdBy: z.string(),
  name: z.string().describe("the study's question"),
  seed: z.number().optional(),
  status: z.enum(RUN_STATUSES),
  failureReason: z.string().optional(),
  total: z.number().int().describe("tasks (solves) known so far: each phase adds its own"),
  done: z.number().int().describe("tasks with a result"),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
/** A study as its page loads it: with what the caller may do to it (cancel it: editor). */
export const StudyPageOut = StudyOut.extend({ role: CallerRole });

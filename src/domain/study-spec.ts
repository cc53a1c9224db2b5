import { existsSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  readBytes,
  readSourceDocument,
  type SourceDocument,
  sortIssues,
  validateDocument,
} from "./document.js";
import { BUILTIN_PREFIX } from "./extends.js";
import { formatIssue, ValidationError, type ValidationIssue } from "./issues.js";
import { loadScenario } from "./load.js";
import { Citation } from "./provenance.js";
import { Id, type Scenario } from "./scenario.js";
import { numbersAt, ScenarioPathError } from "./scenario-path.js";
import { position } from "./zod-issues.js";

/**
 * An uncertainty study (docs/studies.md): options (scenarios) compared under uncertain parameters. Each parameter
 * names numbers of the scenarios by path (src/domain/scenario-path.ts) and gives a distribution; shared factors
 * correlate parameters; the seed makes every draw repeatable. The methods say what is run: a Monte Carlo, a
 * tornado (one parameter at a time at two quantiles), a grid sweep, break-even searches. Every option is solved
 * under the same values at every point.
 */

const finite = z.number().finite();

export const Distribution = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("fixed"), value: finite }).describe("always this value"),
    z
      .strictObject({ kind: z.literal("uniform"), min: finite, max: finite })
      .refine((d) => d.min <= d.max, { message: "a max not below min", path: ["max"] })
      .describe("every value between min and max equally likely"),
    z
      .strictObject({ kind: z.literal("triangular"), min: finite, mode: finite, max: finite })
      .refine((d) => d.min <= d.mode && d.mode <= d.max, {
        message: "a mode between min and max",
        path: ["mode"],
      })
      .describe("most likely at mode, falling linearly to min and max"),
    z
      .strictObject({
        kind: z.literal("normal"),
        mean: finite,
        sd: finite.positive(),
        min: finite.optional(),
        max: finite.optional(),
      })
      .refine((d) => d.min === undefined || d.max === undefined || d.min < d.max, {
        message: "a max above min",
        path: ["max"],
      })
      .describe("normal, truncated to [min, max] where given"),
    z
      .strictObject({
        kind: z.literal("lognormal"),
        median: finite.positive(),
        sigma: finite.positive().describe("standard deviation of the value's natural logarithm"),
        min: finite.positive().optional(),
        max: finite.positive().optional(),
      })
      .refine((d) => d.min === undefined || d.max === undefined || d.min < d.max, {
        message: "a max above min",
        path: ["max"],
      })
      .describe("lognormal around a median, truncated to [min, max] where given"),
    z
      .strictObject({
        kind: z.literal("discrete"),
        values: z.array(finite).min(1),
        weights: z.array(finite.nonnegative()).optional().describe("relative weights; default: equal"),
      })
      .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
        message: "one weight per value",
        path: ["weights"],
      })
      .refine((d) => d.weights === undefined || d.weights.some((w) => w > 0), {
        message: "at least one weight above 0",
        path: ["weights"],
      })
      .describe("one of the values, with the weights' probabilities"),
  ])
  .describe("how a parameter's value is distributed");
export type Distribution = z.infer<typeof Distribution>;

export const StudyParameter = z.strictObject({
  id: Id,
  label: z.string().min(1).describe("the parameter in the user's words"),
  path: z.string().min(1).describe("the numbers it changes, e.g. plants[id=belvidere].openCost"),
  mode: z
    .enum(["set", "scale"])
    .default("set")
    .describe("set: the value replaces the numbers; scale: it multiplies them (1 = as written)"),
  unit: z.enum(["rate", "money", "factor", "vehicles", "year", "years", "number"]).default("number"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR or USD")
    .optional()
    .describe("money parameters: the currency the numbers are in (a plant's own); default: the scenarios'"),
  distribution: Distribution,
  factor: z
    .strictObject({
      id: Id,
      weight: z
        .number()
        .min(-1)
        .max(1)
        .describe("correlation with the factor (Gaussian copula): 1 moves with it, 0 ignores it"),
    })
    .optional()
    .describe("a shared factor this parameter moves with"),
  cite: Citation.describe("where the range comes from: sources, or an assumption with its reasoning"),
});
export type StudyParameter = z.infer<typeof StudyParameter>;

export const StudyOption = z.strictObject({
  id: Id,
  scenario: z.string().min(1).describe("builtin:<name>, or a scenario file relative to this file"),
  label: z.string().min(1).optional().describe("default: the scenario's name"),
  answer: z.string().min(1).optional().describe("the answer this option gives to the question, e.g. yes"),
});
export type StudyOption = z.infer<typeof StudyOption>;

const ParameterIds = z.union([z.literal("all"), z.array(Id).min(1)]);

export const StudyMethods = z
  .strictObject({
    monteCarlo: z
      .strictObject({
        samples: z.number().int().min(1).max(1_000_000),
        sampling: z.enum(["random", "latin-hypercube"]).default("latin-hypercube"),
      })
      .optional(),
    tornado: z
      .strictObject({
        parameters: ParameterIds.default("all"),
        low: z.number().gt(0).lt(1).default(0.05).describe("quantile of each distribution tried low"),
        high: z.number().gt(0).lt(1).default(0.95).describe("quantile tried high"),
      })
      .refine((t) => t.low < t.high, { message: "a high quantile above low", path: ["high"] })
      .optional()
      .describe("one parameter at a time at two quantiles, the others as the scenarios have them"),
    grid: z
      .strictObject({
        parameters: z.array(Id).min(1).max(3),
        steps: z.number().int().min(2).max(101).default(5).describe("values per parameter, evenly spaced"),
        low: z.number().min(0).lt(1).default(0.05),
        high: z.number().gt(0).max(1).default(0.95),
      })
      .optional()
      .describe("every combination of evenly spaced quantiles of a few parameters"),
    breakEven: z
      .strictObject({
        parameters: ParameterIds.default("all"),
        tolerance: z
          .number()
          .positive()
          .default(0.005)
          .describe("bracket width as a share of the searched range"),
        low: z.number().min(0).lt(1).default(0.001).describe("the range searched: from this quantile …"),
        high: z.number().gt(0).max(1).default(0.999).describe("… to this one"),
      })
      .optional()
      .describe("where the best option's answer changes, by bisection on re-solves"),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), {
    message: "at least one method: monteCarlo, tornado, grid or breakEven",
  });
export type StudyMethods = z.infer<typeof StudyMethods>;

export const StudySpec = z
  .strictObject({
    portello: z.literal(1),
    id: Id,
    question: z.string().min(1),
    /** the answer whose probability the report leads with, e.g. "yes" */
    headline: z
      .strictObject({ answer: z.string().min(1), against: z.string().min(1).optional() })
      .optional()
      .describe("the report leads with the probability that an option giving this answer is best"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    options: z.array(StudyOption).min(1).max(50),
    solver: z
      .strictObject({
        mipRelGap: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe(
            "relative gap of every solve; by default the optimum itself. Above it, the report gives a comparison the solves did not settle as the interval they prove",
          ),
        timeLimitSeconds: z.number().positive().max(86400).optional(),
      })
      .default({}),
    factors: z
      .array(z.strictObject({ id: Id, label: z.string().min(1), why: z.string().min(1) }))
      .default([])
      .describe("shared sources of uncertainty that several parameters move with"),
    parameters: z.array(StudyParameter).min(1).max(100),
    methods: StudyMethods,
  })
  .superRefine((spec, ctx) => {
    const unique = (ids: string[], where: string) => {
      const seen = new Set<string>();
      for (const [i, id] of ids.entries()) {
        if (seen.has(id))
          ctx.addIssue({ code: "custom", message: `an id not used above`, path: [where, i, "id"] });
        seen.add(id);
      }
    };
    unique(
      spec.options.map((o) => o.id),
      "options",
    );
    unique(
      spec.parameters.map((p) => p.id),
      "parameters",
    );
    unique(
      spec.factors.map((f) => f.id),
      "factors",
    );
    const factors = new Set(spec.factors.map((f) => f.id));
    for (const [i, p] of spec.parameters.entries())
      if (p.factor && !factors.has(p.factor.id))
        ctx.addIssue({
          code: "custom",
          message: `one of the file's factors (${[...factors].join(", ") || "it has none"})`,
          path: ["parameters", i, "factor", "id"],
        });
    const parameters = new Set(spec.parameters.map((p) => p.id));
    const checkIds = (ids: unknown, method: string) => {
      if (!Array.isArray(ids)) return;
      for (const [i, id] of ids.entries())
        if (!parameters.has(id))
          ctx.addIssue({
            code: "custom",
            message: `one of the file's parameters (${[...parameters].join(", ")})`,
            path: ["methods", method, "parameters", i],
          });
    };
    checkIds(spec.methods.tornado?.parameters, "tornado");
    checkIds(spec.methods.grid?.parameters, "grid");
    checkIds(spec.methods.breakEven?.parameters, "breakEven");
    const answers = new Set(spec.options.map((o) => o.answer));
    if (spec.headline && !answers.has(spec.headline.answer))
      ctx.addIssue({
        code: "custom",
        message: `an answer some option gives (${[...answers].filter(Boolean).join(", ") || "none gives one"})`,
        path: ["headline", "answer"],
      });
    if (spec.headline?.against && !answers.has(spec.headline.against))
      ctx.addIssue({
        code: "custom",
        message: `an answer some option gives (${[...answers].filter(Boolean).join(", ") || "none gives one"})`,
        path: ["headline", "against"],
      });
  })
  .describe("an uncertainty study: options compared under uncertain parameters");
export type StudySpec = z.infer<typeof StudySpec>;

// ---- reading a study file ----

/** A study file read and checked: its spec, and each option's scenario (in the order of `spec.options`). */
export interface LoadedStudy {
  spec: StudySpec;
  file: string;
  scenarios: Scenario[];
}

const BUILTIN_STUDIES = fileURLToPath(new URL("../../data/studies/", import.meta.url));

/** A study file by path, or `builtin:<name>` for one shipped in data/studies/; its scenarios are loaded too. */
export async function loadStudySpec(pathOrBuiltin: string): Promise<LoadedStudy> {
  let file = pathOrBuiltin;
  if (pathOrBuiltin.startsWith(BUILTIN_PREFIX)) {
    const name = pathOrBuiltin.slice(BUILTIN_PREFIX.length);
    const shipped = existsSync(BUILTIN_STUDIES)
      ? readdirSync(BUILTIN_STUDIES)
          .filter((f) => f.endsWith(".yaml"))
          .map((f) => f.slice(0, -5))
      : [];
    if (!shipped.includes(name))
      throw new ValidationError([
        {
          file: pathOrBuiltin,
          path: "",
          expected: `a built-in study: ${shipped.join(", ")}`,
          message: `no built-in study "${name}"; shipped: ${shipped.join(", ")}`,
        },
      ]);
    file = `${BUILTIN_STUDIES}${name}.yaml`;
  }
  const doc = readSourceDocument(await readBytes(file), file);
  const spec = validateDocument(doc, StudySpec);
  const scenarios = await loadOptions(spec, doc, (ref) =>
    loadScenario(ref.startsWith(BUILTIN_PREFIX) ? ref : resolve(dirname(file), ref)),
  );
  return { spec, file: pathOrBuiltin, scenarios };
}

/** A study's text (a server's request): scenarios come only from `loadOption` (e.g. built-ins and stored ones). */
export async function parseStudySpec(
  text: string | Uint8Array,
  file: string,
  loadOption: (scenario: string) => Promise<Scenario>,
): Promise<LoadedStudy> {
  const doc = readSourceDocument(text, file);
  const spec = validateDocument(doc, StudySpec);
  return { spec, file, scenarios: await loadOptions(spec, doc, loadOption) };
}

async function loadOptions(
  spec: StudySpec,
  doc: SourceDocument,
  loadOption: (scenario: string) => Promise<Scenario>,
): Promise<Scenario[]> {
  const issues: ValidationIssue[] = [];
  const scenarios: Scenario[] = [];
  for (const [i, option] of spec.options.entries()) {
    try {
      scenarios.push(await loadOption(option.scenario));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const first = error.issues[0];
      issues.push({
        ...position(doc.locate(["options", i, "scenario"], "value")),
        path: `options[${i}].scenario`,
        expected: "a scenario that loads",
        found: option.scenario,
        message: `option '${option.id}': ${first ? formatIssue(first) : error.message}`,
      });
    }
  }
  if (issues.length === 0) issues.push(...checkAgainstOptions(spec, doc, scenarios));
  if (issues.length) throw new ValidationError(sortIssues(issues));
  return scenarios;
}

/**
 * Every parameter's path must reach a number in at least one option, and break in none; every source a range
 * cites must be one the options' scenarios list.
 */
function checkAgainstOptions(spec: StudySpec, doc: SourceDocument, scenarios: Scenario[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = new Set(scenarios.flatMap((s) => s.sources.map((source) => source.id)));
  for (const [i, parameter] of spec.parameters.entries()) {
    for (const [k, id] of (parameter.cite.sources ?? []).entries())
      if (!sources.has(id))
        issues.push({
          ...position(doc.locate(["parameters", i, "cite", "sources", k], "value")),
          path: `parameters[${i}].cite.sources[${k}]`,
          expected: "a source listed by one of the options' scenarios",
          found: `'${id}'`,
          message: `source '${id}' is not listed by any option's scenario`,
        });
    const at = { ...position(doc.locate(["parameters", i, "path"], "value")), path: `parameters[${i}].path` };
    let reached = 0;
    try {
      for (const scenario of scenarios) reached += numbersAt(scenario, parameter.path).length;
    } catch (error) {
      if (!(error instanceof ScenarioPathError)) throw error;
      issues.push({ ...at, expected: error.expected, found: error.found, message: error.message });
      continue;
    }
    if (reached === 0)
      issues.push({
        ...at,
        expected: "a path that reaches a number in at least one option",
        found: "nothing",
        message: `path '${parameter.path}' reaches no number in any option (${spec.options.map((o) => o.id).join(", ")})`,
      });
  }
  return issues;
}

import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readDocumentFile } from "./document.js";
import { ValidationError } from "./issues.js";
import { CountryCode, CurrencyCode, Id } from "./scenario.js";

/**
 * A question case: a strategic question, the scenarios that are its options, and the parameters whose change
 * could alter the answer. `portello demo` answers the built-in one (data/cases/); the analysis is generic and
 * every case fact lives in the file, not in code.
 */

/** How a tested parameter changes a scenario; `value` is always in the unit of the changed field. */
export const ParameterChange = z.discriminatedUnion("kind", [
  z
    .strictObject({ kind: z.literal("duty-rate"), duties: z.array(Id).min(1) })
    .describe("sets the rate of these duty rows"),
  z
    .strictObject({ kind: z.literal("parts-duty-rate"), duties: z.array(Id).min(1) })
    .describe("sets the rate of these parts-duty rows"),
  z
    .strictObject({
      kind: z.literal("lane-duty"),
      from: z.array(CountryCode).min(1),
      to: z.array(Id).min(1),
    })
    .describe(
      "the rate on cars from these countries into these markets (a duty row appended: last one wins)",
    ),
  z
    .strictObject({
      kind: z.literal("plant-field"),
      plant: Id,
      field: z.enum(["openCost", "capacityPerShift", "shiftCost", "fixedCost", "costIndex", "maxShifts"]),
    })
    .describe("sets one number of a plant, in the scenarios that have it"),
  z
    .strictObject({
      kind: z.literal("plant-overtime"),
      plant: Id,
      field: z.enum(["maxShare", "costPerVehicle"]),
    })
    .describe("sets the overtime of a plant that has one (maxShare 0 = whole shifts only)"),
  z
    .strictObject({ kind: z.literal("salvage-life") })
    .describe("the years a plant opening serves, where the terminal value is a salvage"),
  z
    .strictObject({ kind: z.literal("demand-scale"), program: Id, markets: z.array(Id).min(1) })
    .describe("multiplies a program's demand in these markets (value 1 = as written)"),
  z
    .strictObject({ kind: z.literal("fx-rate"), currency: CurrencyCode })
    .describe(
      "sets one exchange rate for every year: what one unit of the currency is worth in the scenario's",
    ),
  z.strictObject({ kind: z.literal("discount-rate") }),
  z
    .strictObject({ kind: z.literal("horizon-end") })
    .describe(
      "moves the horizon's last year; demand, programs and reserved volumes stay at their last year's level",
    ),
]);
export type ParameterChange = z.infer<typeof ParameterChange>;

export const ParameterUnit = z.enum(["rate", "money", "factor", "vehicles", "year", "years", "number"]);
export type ParameterUnit = z.infer<typeof ParameterUnit>;

export const TestedParameter = z.strictObject({
  id: Id,
  label: z.string().min(1).describe("the parameter in the user's words"),
  change: ParameterChange,
  unit: ParameterUnit,
  tries: z
    .array(z.strictObject({ value: z.number(), label: z.string().optional() }))
    .default([])
    .describe("values re-solved and shown in the sensitivity table"),
  search: z
    .strictObject({
      from: z.number(),
      to: z.number(),
      tolerance: z.number().positive().describe("the break-even is bracketed to this width"),
    })
    .optional()
    .describe("range searched for the value where the answer flips (bisection on re-solves)"),
  why: z.string().optional().describe("why this parameter is tested"),
});
export type TestedParameter = z.infer<typeof TestedParameter>;

export const QuestionOption = z.strictObject({
  scenario: z.string().min(1).describe("builtin scenario name, e.g. alfa/reopen-belvidere"),
  role: z
    .enum(["reference", "option"])
    .default("option")
    .describe("reference: today's network, not a choice"),
});

export const QuestionCase = z
  .strictObject({
    portello: z.literal(1),
    id: Id,
    question: z.string().min(1),
    program: Id.describe("the program whose plant the question is about"),
    proposal: z
      .strictObject({
        scenario: z.string().min(1).describe("the option that embodies the proposal"),
        countries: z.array(CountryCode).min(1).describe("building the program here answers yes"),
        where: z.string().min(1).describe("e.g. 'in the United States'"),
      })
      .describe("what the question proposes"),
    home: z
      .strictObject({
        countries: z.array(CountryCode).min(1).describe("building the program here answers no"),
        where: z.string().min(1),
      })
      .describe("the alternative to the proposal"),
    options: z.array(QuestionOption).min(2),
    contenderGap: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe("options further behind the winner than this share of its NPV are not re-solved"),
    parameters: z.array(TestedParameter).default([]),
    uncertainty: z
      .strictObject({
        study: z
          .string()
          .min(1)
          .describe("the study of this question under uncertainty, e.g. builtin:alfa-belvidere"),
        samples: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(40)
          .describe("Monte Carlo samples the demo runs for its headline (the full study: portello study)"),
      })
      .optional()
      .describe("a Monte Carlo headline: how likely the answer is, given the study's uncertain parameters"),
    caveats: z
      .array(z.string().min(1))
      .default([])
      .describe("what the model leaves out, in words; measured checks belong in parameters"),
    context: z
      .array(z.strictObject({ text: z.string().min(1), sources: z.array(z.string()).min(1) }))
      .default([])
      .describe("facts the report quotes, each citing sources of the option scenarios"),
  })
  .describe("a strategic question answered by comparing scenarios");
export type QuestionCase = z.infer<typeof QuestionCase>;

const BUILTIN_CASES = fileURLToPath(new URL("../../data/cases/", import.meta.url));

/** A case file by path, or `builtin:<name>` for one shipped in data/cases/. */
export function loadQuestionCase(pathOrBuiltin: string): Promise<QuestionCase> {
  if (!pathOrBuiltin.startsWith("builtin:")) return readDocumentFile(pathOrBuiltin, QuestionCase);
  const name = pathOrBuiltin.slice("builtin:".length);
  const known = /^[a-z0-9][a-z0-9_-]*$/.test(name) && existsSync(`${BUILTIN_CASES}${name}.yaml`);
  if (!known) {
    const shipped = readdirSync(BUILTIN_CASES)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.slice(0, -5));
    throw new ValidationError([
      {
        file: pathOrBuiltin,
        path: "",
        expected: `a built-in case: ${shipped.join(", ")}`,
        message: `no built-in case "${name}"; shipped: ${shipped.join(", ")}`,
      },
    ]);
  }
  return readDocumentFile(`${BUILTIN_CASES}${name}.yaml`, QuestionCase);
}

import { z } from "zod";
import {
  Demand,
  Duty,
  Id,
  Lane,
  Logistics,
  Market,
  Objective,
  Plant,
  Policy,
  Program,
  Scenario,
  SolverSettings,
  PartsDuty,
} from "./scenario.js";
import { Source } from "./provenance.js";

/**
 * The schema of a file that `extends` a base: the full schema with every field optional except the keys
 * that say which entry is meant (ids; program+market for demand; from+to for lanes). Unknown fields are
 * still rejected. A patch is only checked for shape here; the merged result is checked in full.
 */

/** All policy kinds' fields in one object: a patch may change a policy without restating its kind. */
const PolicyPatch = z.strictObject(
  Object.assign({}, ...Policy.options.map((option) => option.partial().shape), {
    id: Id,
    kind: z.enum(Policy.options.map((option) => option.shape.kind.value) as [string, ...string[]]),
  }) as Record<string, z.ZodType>,
);
// `kind` optional: changing a policy's name or bounds need not repeat it
const PolicyPatchOptionalKind = PolicyPatch.partial().required({ id: true });

export const RemoveSection = z
  .strictObject({
    plants: z.array(Id).optional(),
    programs: z.array(Id).optional(),
    markets: z.array(Id).optional(),
    duties: z.array(Id).optional(),
    partsDuties: z.array(Id).optional(),
    policies: z.array(Id).optional(),
    sources: z.array(Id).optional(),
    regions: z.array(Id).optional(),
    demand: z.array(z.strictObject({ program: Id, market: Id.optional() })).optional(),
    lanes: z.array(z.strictObject({ from: Id, to: Id })).optional(),
  })
  .describe("entries of the base to delete before this file's entries are merged");
export type RemoveSection = z.infer<typeof RemoveSection>;

export const ScenarioPatch = Scenario.partial()
  .extend({
    extends: z.string().min(1).describe("base scenario: a path relative to this file, or builtin:<name>"),
    horizon: Scenario.shape.horizon.partial().optional(),
    objective: Objective.partial().optional(),
    solver: SolverSettings.partial().optional(),
    logistics: Logistics.partial().optional(),
    sources: z.array(Source.partial().required({ id: true })).optional(),
    plants: z.array(Plant.partial().required({ id: true })).optional(),
    programs: z.array(Program.partial().required({ id: true })).optional(),
    markets: z.array(Market.partial().required({ id: true })).optional(),
    duties: z.array(Duty.partial().required({ id: true })).optional(),
    partsDuties: z.array(PartsDuty.partial().required({ id: true })).optional(),
    policies: z.array(PolicyPatchOptionalKind).optional(),
    demand: z.array(Demand.partial().required({ program: true })).optional(),
    lanes: z.array(Lane.partial().required({ from: true, to: true })).optional(),
    remove: RemoveSection.optional(),
  })
  .describe("a scenario that extends a base scenario");
export type ScenarioPatch = z.infer<typeof ScenarioPatch>;

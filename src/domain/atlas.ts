import { z } from "zod";
import { Source } from "./provenance.js";
import { closestMatch } from "./suggest.js";

/**
 * The atlas: sourced facts about a maker's production network. Entities (groups, brands, plants,
 * programs) carry identity fields; everything that changes over time or that sources dispute is a
 * claim — subject, property, value, validity, sources. The schema is the type.
 */

export const AtlasId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    "an id: lower-case letters, digits and '-', starting with a letter or digit",
  );

/** A calendar date at the precision the source gives it. */
export const PartialDate = z
  .string()
  .regex(
    /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/,
    "a date as YYYY, YYYY-MM or YYYY-MM-DD (quote it in YAML)",
  );

/** A period a plan names: a date, or a quarter or half of a year ("2027-Q3", "2028-H2"). */
export const PlanPeriod = z
  .string()
  .regex(
    /^\d{4}(-(Q[1-4]|H[12]|(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?))?$/,
    "a period as YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD",
  );

export const AtlasPlantStatus = z.enum(["active", "idle", "closed", "candidate"]);

/** How firm a claim is: a fact, or a statement about the future of decreasing firmness. */
export const ClaimStatus = z.enum(["fact", "announced", "planned", "reported", "speculation"]);
export type ClaimStatus = z.infer<typeof ClaimStatus>;

export const ClaimValue = z.union([z.string().min(1), z.number(), z.boolean()]);
export type ClaimValue = z.infer<typeof ClaimValue>;

export const SubjectKind = z.enum(["group", "brand", "plant", "program"]);
export type SubjectKind = z.infer<typeof SubjectKind>;

/** "plant:cassino", "program:giulia-952", "brand:alfa-romeo", "group:stellantis". */
export const SubjectRef = z
  .string()
  .regex(/^(group|brand|plant|program):[a-z0-9][a-z0-9-]*$/, "a subject as kind:id, e.g. plant:cassino");

const factFields = {
  property: z
    .string()
    .regex(/^[a-zA-Z]+(:[a-z0-9-]+)?$/, "a property name such as owner, producedAt or buildsBrand:alfa-romeo")
    .describe("what is claimed; see PROPERTIES for the vocabulary"),
  value: ClaimValue,
  from: PartialDate.optional().describe("first date the value holds; omitted = start unknown"),
  to: PartialDate.optional().describe(
    "last date the value holds; omitted = still holds at the source's date",
  ),
  endUnknown: z
    .boolean()
    .optional()
    .describe("true where the value stopped holding but the sources give no end date"),
  approximate: z.boolean().optional().describe("true where from/to were inferred, not printed by the source"),
  arithmetic: z
    .string()
    .optional()
    .describe("where the value is arithmetic on sourced figures, not a published one: the calculation"),
  status: ClaimStatus.default("fact"),
  sources: z.array(z.string().min(1)).min(1).describe("ids of the sources stating it"),
  quote: z.string().optional().describe("the source's own words, where they matter"),
  statedBy: z.string().optional().describe("who made the statement the source reports, e.g. a CEO"),
  officialStatement: z
    .boolean()
    .optional()
    .describe("true where the source reports an on-record statement by the company"),
  note: z.string().optional(),
};

/** A claim about the entity it is written under (the subject is implicit). */
export const Fact = z.strictObject(factFields);
export type Fact = z.infer<typeof Fact>;

/** A claim about any subject: used for claims of sources that describe several entities (seed articles). */
export const Claim = z.strictObject({ subject: SubjectRef, ...factFields });
export type Claim = z.infer<typeof Claim>;

const entityFields = {
  id: AtlasId,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]).describe("other names a query may use"),
  sources: z.array(z.string().min(1)).min(1).describe("ids of the sources for the identity fields"),
  facts: z.array(Fact).default([]),
  note: z.string().optional(),
};

export const Group = z.strictObject({
  ...entityFields,
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type Group = z.infer<typeof Group>;

export const Brand = z.strictObject({
  ...entityFields,
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type Brand = z.infer<typeof Brand>;

export const AtlasPlant = z.strictObject({
  ...entityFields,
  city: z.string().min(1).nullable().describe("null where no source names it"),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code such as IT"),
  lat: z
    .number()
    .min(-90)
    .max(90)
    .nullable()
    .describe("latitude, decimal degrees WGS84; null where unsourced"),
  lon: z
    .number()
    .min(-180)
    .max(180)
    .nullable()
    .describe("longitude, decimal degrees WGS84; null where unsourced"),
  coordinatesNote: z.string().optional().describe("what the point is, where it is not the plant gate"),
  referenceOnly: z
    .boolean()
    .default(false)
    .describe("true for plants outside the network kept as precedents (e.g. BMW Spartanburg)"),
});
export type AtlasPlant = z.infer<typeof AtlasPlant>;

export const AtlasProgram = z.strictObject({
  ...entityFields,
  brand: AtlasId,
  model: z.string().min(1).describe("model name shared by generations, e.g. Giulia"),
  generation: z.string().nullable().default(null).describe("generation or internal code, e.g. 952"),
  segment: z.string().nullable().default(null).describe("market segment, e.g. D; null where unsourced"),
  body: z.string().nullable().default(null).describe("body style; null where unsourced"),
  powertrain: z.string().nullable().default(null).describe("powertrains offered; null where unsourced"),
  platform: z.string().nullable().default(null).describe("vehicle platform; null where unsourced"),
  sop: PartialDate.optional().describe("start of production, where sourced"),
  eop: PartialDate.optional().describe("end of production, where sourced"),
});
export type AtlasProgram = z.infer<typeof AtlasProgram>;

/** A sales market (a country or a region) that `sales:<market>` claims name. */
export const Market = z.strictObject({
  id: AtlasId,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]).describe("other names a query may use, e.g. USA"),
  note: z.string().optional(),
});
export type Market = z.infer<typeof Market>;

/** The vocabulary of properties: which subjects carry them, the value they take, and how many at once. */
export interface PropertySpec {
  subjects: readonly SubjectKind[];
  value: "group" | "plant" | "plantStatus" | "period" | "count" | "number" | "text" | "boolean";
  /** "one": a single value at a time, so differing overlapping claims conflict; "many": a set */
  cardinality: "one" | "many";
  /** a value that does not change over time (a date, a place): claims conflict whatever their dates */
  timeless?: boolean;
  /**
   * a quantity over a period (sales in 2024, output in the first half of 2025): `from` and `to` give
   * the period, and only claims for the very same period can conflict
   */
  periodic?: boolean;
  /** what follows the colon: `buildsBrand:<brand>`, `sales:<market>`; required unless optional */
  qualifier?: { kind: "brand" | "market"; optional?: boolean };
  description: string;
}

export const PROPERTIES: Record<string, PropertySpec> = {
  owner: {
    subjects: ["brand", "plant", "group"],
    value: "group",
    cardinality: "one",
    description: "the group that owns it (a group id)",
  },
  name: { subjects: ["brand"], value: "text", cardinality: "one", description: "the name it trades under" },
  founded: {
    subjects: ["brand", "group"],
    value: "period",
    cardinality: "one",
    timeless: true,
    description: "founding date",
  },
  status: {
    subjects: ["plant"],
    value: "plantStatus",
    cardinality: "one",
    description: "active, idle, closed or candidate",
  },
  opened: {
    subjects: ["plant"],
    value: "period",
    cardinality: "one",
    timeless: true,
    description: "start of production",
  },
  closed: {
    subjects: ["plant"],
    value: "period",
    cardinality: "one",
    timeless: true,
    description: "end of production",
  },
  location: {
    subjects: ["plant"],
    value: "text",
    cardinality: "one",
    timeless: true,
    description: "the town the plant is in, where sources disagree",
  },
  capacityPerYear: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    description: "installed capacity, vehicles per year",
  },
  floorAreaSqFt: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    timeless: true,
    description: "floor area, sq ft",
  },
  capacityPerDay: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    description: "vehicles a day at the stated shift pattern",
  },
  workforce: { subjects: ["plant"], value: "count", cardinality: "one", description: "employees" },
  siteAreaSqm: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    timeless: true,
    description: "site area, m²",
  },
  coveredAreaSqm: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    timeless: true,
    description: "covered (built-up) area, m²",
  },
  output: {
    subjects: ["plant"],
    value: "count",
    cardinality: "one",
    periodic: true,
    qualifier: { kind: "brand", optional: true },
    description: "vehicles built over the period (output:<brand> for one brand's share)",
  },
  outputChangePct: {
    subjects: ["plant"],
    value: "number",
    cardinality: "one",
    periodic: true,
    description: "change of output against the same period a year earlier, %",
  },
  cumulativeOutput: {
    subjects: ["plant", "program"],
    value: "count",
    cardinality: "one",
    qualifier: { kind: "brand", optional: true },
    description: "vehicles built up to the claim's date (cumulativeOutput:<brand> for one brand)",
  },
  exportSharePct: {
    subjects: ["plant"],
    value: "number",
    cardinality: "one",
    periodic: true,
    description: "share of the period's output exported, %",
  },
  investmentEur: {
    subjects: ["plant", "group"],
    value: "count",
    cardinality: "one",
    description: "investment committed, euros",
  },
  investmentUsd: {
    subjects: ["plant", "group"],
    value: "count",
    cardinality: "one",
    description: "investment committed, US dollars",
  },
  ceo: { subjects: ["brand", "group"], value: "text", cardinality: "one", description: "chief executive" },
  sales: {
    subjects: ["brand", "program"],
    value: "count",
    cardinality: "one",
    periodic: true,
    qualifier: { kind: "market" },
    description: "sales:<market> — vehicles sold (registered) in the market over the period",
  },
  salesChangePct: {
    subjects: ["brand", "program"],
    value: "number",
    cardinality: "one",
    periodic: true,
    qualifier: { kind: "market" },
    description: "salesChangePct:<market> — change of sales against the same period a year earlier, %",
  },
  buildsBrand: {
    subjects: ["plant"],
    value: "boolean",
    cardinality: "one",
    qualifier: { kind: "brand" },
    description: "buildsBrand:<brand> — whether the plant builds cars of that brand",
  },
  producedAt: {
    subjects: ["program"],
    value: "plant",
    cardinality: "many",
    description: "a plant building the program (several at once are possible)",
  },
  sop: { subjects: ["program"], value: "period", cardinality: "one", description: "start of production" },
  eop: { subjects: ["program"], value: "period", cardinality: "one", description: "end of production" },
  powertrain: {
    subjects: ["program"],
    value: "text",
    cardinality: "one",
    description: "the powertrains offered, where sources disagree or they changed",
  },
  platform: {
    subjects: ["program"],
    value: "text",
    cardinality: "one",
    timeless: true,
    description: "vehicle platform",
  },
};

/** The property name without its qualifier: "buildsBrand:alfa-romeo" → "buildsBrand". */
export function propertyBase(property: string): string {
  return property.split(":")[0]!;
}

/** Picks claims: every claim on the subject and property, optionally only those with this value or period. */
export const ClaimSelector = z.strictObject({
  subject: SubjectRef,
  property: z.string().min(1),
  value: ClaimValue.optional(),
  from: PartialDate.optional(),
});
export type ClaimSelector = z.infer<typeof ClaimSelector>;

export const JudgedVerdict = z.strictObject({
  outcome: z.enum(["by-dates", "resolved", "unresolved"]),
  preferred: ClaimValue.optional().describe("the value to use, where one is preferred"),
  reason: z.string().min(10),
});

/**
 * A dispute a reference lists. `conflicts`: the ones the general rule finds (checked by the tests),
 * optionally judged here where the rule's weighing misses a point (a target is not a capacity).
 * `sides`: a dispute the rule cannot see (a figure against its neighbours), recorded with a verdict.
 * Neither: listed by the reference but not a disagreement between claims; `verdict.reason` says why.
 */
export const Judgement = z.strictObject({
  id: AtlasId,
  reference: z.string().min(1).describe("where the reference lists it, e.g. 'FACTS.md §7.3'"),
  title: z.string().min(1),
  conflicts: z
    .array(ClaimSelector.pick({ subject: true, property: true, from: true }))
    .default([])
    .describe("conflicts the rule finds; `from` picks one period of a periodic property"),
  sides: z
    .array(z.strictObject({ label: z.string().min(1), claims: z.array(ClaimSelector).min(1) }))
    .default([]),
  verdict: JudgedVerdict.optional(),
  sources: z.array(z.string().min(1)).default([]).describe("sources of the judgement itself"),
});
export type Judgement = z.infer<typeof Judgement>;

const AtlasShape = z.strictObject({
  title: z.string().min(1),
  asOf: PartialDate.describe("date of the newest source the dataset was written from"),
  focusBrand: AtlasId.optional().describe("the brand the atlas is written about: the map rings its plants"),
  sources: z.array(Source).min(1),
  groups: z.array(Group).default([]),
  brands: z.array(Brand).default([]),
  plants: z.array(AtlasPlant).default([]),
  programs: z.array(AtlasProgram).default([]),
  markets: z.array(Market).default([]).describe("the markets sales claims name"),
  claims: z.array(Claim).default([]).describe("claims about any subject, e.g. those of seed articles"),
  judgements: z
    .array(Judgement)
    .default([])
    .describe("disputes a reference lists, tied to the conflicts the rule finds or recorded with a verdict"),
});

/** The atlas document: its shape, then every reference inside it (sources, ids, properties, values). */
export const Atlas = AtlasShape.superRefine((atlas, ctx) => {
  for (const problem of referenceProblems(atlas)) ctx.addIssue({ code: "custom", ...problem });
});
export type Atlas = z.infer<typeof Atlas>;

type Ids = Record<SubjectKind | "market", Set<string>>;

interface Problem {
  path: (string | number)[];
  message: string;
}

/** Every broken reference in the atlas; an empty list means the dataset is self-consistent. */
export function referenceProblems(atlas: z.infer<typeof AtlasShape>): Problem[] {
  const problems: Problem[] = [];
  const ids = {
    group: new Set(atlas.groups.map((g) => g.id)),
    brand: new Set(atlas.brands.map((b) => b.id)),
    plant: new Set(atlas.plants.map((p) => p.id)),
    program: new Set(atlas.programs.map((p) => p.id)),
    market: new Set(atlas.markets.map((m) => m.id)),
  };
  const sourceIds = new Set(atlas.sources.map((s) => s.id));
  const unique = (kind: string, list: { id: string }[], key: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) problems.push({ path: [key, i, "id"], message: `a ${kind} id used only once` });
      seen.add(item.id);
    });
  };
  unique("source", atlas.sources, "sources");
  unique("group", atlas.groups, "groups");
  unique("brand", atlas.brands, "brands");
  unique("plant", atlas.plants, "plants");
  unique("program", atlas.programs, "programs");
  unique("market", atlas.markets, "markets");
  unique("judgement", atlas.judgements, "judgements");

  if (atlas.focusBrand !== undefined && !ids.brand.has(atlas.focusBrand))
    problems.push({
      path: ["focusBrand"],
      message: `the id of a listed brand${hint(atlas.focusBrand, ids.brand)}`,
    });

  const checkSources = (list: string[], path: (string | number)[]) =>
    list.forEach((id, i) => {
      if (!sourceIds.has(id))
        problems.push({ path: [...path, i], message: `the id of a listed source${hint(id, sourceIds)}` });
    });
  const checkFact = (fact: Fact, kind: SubjectKind, path: (string | number)[]) => {
    checkSources(fact.sources, [...path, "sources"]);
    problems.push(...factProblems(fact, kind, ids, path));
  };
  const entities = [
    ["group", "groups", atlas.groups],
    ["brand", "brands", atlas.brands],
    ["plant", "plants", atlas.plants],
    ["program", "programs", atlas.programs],
  ] as const;
  for (const [kind, key, list] of entities) {
    list.forEach((entity, i) => {
      checkSources(entity.sources, [key, i, "sources"]);
      entity.facts.forEach((fact, j) => {
        checkFact(fact, kind, [key, i, "facts", j]);
      });
    });
  }
  atlas.programs.forEach((program, i) => {
    if (!ids.brand.has(program.brand))
      problems.push({
        path: ["programs", i, "brand"],
        message: `a brand id${hint(program.brand, ids.brand)}`,
      });
  });
  atlas.claims.forEach((claim, i) => {
    const [kind, id] = claim.subject.split(":") as [SubjectKind, string];
    if (!ids[kind].has(id))
      problems.push({ path: ["claims", i, "subject"], message: `an existing ${kind}${hint(id, ids[kind])}` });
    checkFact(claim, kind, ["claims", i]);
  });
  atlas.judgements.forEach((judgement, i) => {
    checkSources(judgement.sources, ["judgements", i, "sources"]);
    const selectors = [
      ...judgement.conflicts.map((c, j) => [c, ["conflicts", j]] as const),
      ...judgement.sides.flatMap((side, j) =>
        side.claims.map((c, k) => [c, ["sides", j, "claims", k]] as const),
      ),
    ];
    for (const [selector, where] of selectors) {
      const [kind, id] = selector.subject.split(":") as [SubjectKind, string];
      if (!ids[kind].has(id))
        problems.push({
          path: ["judgements", i, ...where, "subject"],
          message: `an existing ${kind}${hint(id, ids[kind])}`,
        });
    }
    if (judgement.sides.length > 0 && !judgement.verdict)
      problems.push({ path: ["judgements", i, "verdict"], message: "a verdict for a recorded dispute" });
    if (judgement.conflicts.length === 0 && judgement.sides.length === 0 && !judgement.verdict)
      problems.push({
        path: ["judgements", i, "verdict"],
        message: "a verdict saying why it is no conflict",
      });
  });
  return problems;
}

function factProblems(fact: Fact, kind: SubjectKind, ids: Ids, path: (string | number)[]): Problem[] {
  const [base, qualifier] = fact.property.split(":") as [string, string | undefined];
  const spec = PROPERTIES[base];
  if (!spec)
    return [
      { path: [...path, "property"], message: `a known property${hint(base, Object.keys(PROPERTIES))}` },
    ];
  const problems: Problem[] = [];
  if (!spec.subjects.includes(kind))
    problems.push({ path: [...path, "property"], message: `a property of a ${spec.subjects.join(" or ")}` });
  if (spec.qualifier) {
    const known = spec.qualifier.kind === "brand" ? ids.brand : ids.market;
    if (qualifier === undefined ? !spec.qualifier.optional : !known.has(qualifier))
      problems.push({
        path: [...path, "property"],
        message: `${base}:<an existing ${spec.qualifier.kind} id>${qualifier ? hint(qualifier, known) : ""}`,
      });
  } else if (qualifier !== undefined)
    problems.push({ path: [...path, "property"], message: `'${base}' without a ':' qualifier` });
  if (spec.periodic && (!fact.from || !fact.to))
    problems.push({ path: [...path, "to"], message: "a period: both 'from' and 'to' (e.g. 2024 to 2024)" });
  const valueProblem = checkValue(spec, fact.value, ids);
  if (valueProblem) problems.push({ path: [...path, "value"], message: valueProblem });
  if (fact.from && fact.to && fact.to < fact.from.slice(0, fact.to.length))
    problems.push({ path: [...path, "to"], message: `a date on or after 'from' (${fact.from})` });
  return problems;
}

function checkValue(spec: PropertySpec, value: ClaimValue, ids: Ids): string | undefined {
  switch (spec.value) {
    case "group":
      return typeof value === "string" && ids.group.has(value)
        ? undefined
        : `a group id${hint(value, ids.group)}`;
    case "plant":
      return typeof value === "string" && ids.plant.has(value)
        ? undefined
        : `a plant id${hint(value, ids.plant)}`;
    case "plantStatus":
      return AtlasPlantStatus.safeParse(value).success ? undefined : "one of active, idle, closed, candidate";
    case "period":
      return PlanPeriod.safeParse(value).success
        ? undefined
        : "a period as YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM(-DD)";
    case "count":
      return typeof value === "number" && Number.isFinite(value) && value >= 0 ? undefined : "a number ≥ 0";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "a number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "true or false";
    case "text":
      return typeof value === "string" ? undefined : "text";
  }
}

function hint(value: unknown, candidates: Iterable<string>): string {
  const near = typeof value === "string" ? closestMatch(value, candidates) : undefined;
  return near ? ` (did you mean '${near}'?)` : "";
}

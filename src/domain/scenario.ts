import { z } from "zod";
import { Citation, Source } from "./provenance.js";

/**
 * The scenario language: the schema is the type. Units are written into the descriptions.
 * Money is in the scenario's `currency`, real terms (no inflation); volumes are vehicles per year.
 * This is the *resolved* scenario (after `extends` is applied); see load.ts for files and patches.
 */

export const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    "an id: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
  );
export const Year = z.number().int().min(1900).max(2200).describe("calendar year");
export const Money = z.number().finite().min(0).max(1e13).describe("amount in the scenario currency");
export const Vehicles = z.number().finite().min(0).max(1e8).describe("vehicles per year");
export const Rate = z.number().finite().min(0).max(1).describe("fraction between 0 and 1");
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code such as IT, US or MX");
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR or USD");
/** An exchange rate into the scenario currency: one rate for every year, or one per year of the horizon. */
export const FxRate = z
  .union([
    z.number().finite().positive().max(1e6),
    z.record(z.string().regex(/^\d{4}$/, "a year such as 2030"), z.number().finite().positive().max(1e6)),
  ])
  .describe(
    "units of the scenario currency one unit of this currency is worth: one rate, or year → rate for every year of the horizon",
  );
/** Field name → citation: every number of an entity cites sources or is a labelled assumption. */
export const Cites = z.record(z.string(), Citation).describe("citation of each numeric field, by field name");

export const PlantStatus = z.enum(["active", "idle", "candidate", "closed"]);

/**
 * When a one-off investment is paid: year offset relative to the year it serves (0 = the year the plant opens
 * or the program starts, -1 = the year before, …) → share of the investment paid then. Years before the
 * horizon's start are paid in its first year.
 */
export const CapexPhasing = z
  .record(z.string().regex(/^(0|-[1-9][0-9]?)$/, "a year offset: 0, -1, -2, … (at most -99)"), Rate)
  .describe(
    "year offset (0 = the year it opens or starts, -1 = the year before, …) → share of the investment paid that year; shares add up to 1",
  );
export type CapexPhasing = z.infer<typeof CapexPhasing>;

/** Flexible capacity: overtime or a partial shift, on top of whole shifts. */
export const Overtime = z
  .strictObject({
    maxShare: Rate.describe(
      "most extra vehicles each running shift may build, as a share of one shift's capacity (0.2 = +20 %)",
    ),
    costPerVehicle: Money.describe(
      "extra cost per vehicle built in overtime, on top of its variable cost (premium pay, per car)",
    ),
  })
  .describe("overtime: extra volume up to a share of each running shift's capacity, at a cost per vehicle");

export const Plant = z
  .strictObject({
    id: Id,
    name: z.string().min(1),
    city: z.string().optional(),
    country: CountryCode,
    lat: z.number().min(-90).max(90).optional().describe("latitude, decimal degrees WGS84"),
    lon: z.number().min(-180).max(180).optional().describe("longitude, decimal degrees WGS84"),
    owner: z.string().optional(),
    atlasId: z.string().optional().describe("the plant's id in the atlas, where it has one"),
    status: PlantStatus.describe(
      "status at the start of the horizon: active (operating), idle (can be reopened), candidate (can be built), closed (gone)",
    ),
    capacityPerShift: Vehicles.positive().describe("vehicles per year one shift can build"),
    maxShifts: z.number().int().min(1).max(4).describe("most shifts the plant can run"),
    fixedCost: Money.describe("fixed cost per operating year"),
    shiftCost: Money.describe("cost per shift and year"),
    overtime: Overtime.optional(),
    openCost: Money.optional().describe("one-off cost to reopen (idle) or build (candidate) the plant"),
    openCostPhasing: CapexPhasing.optional().describe(
      "when openCost is paid: year offset from the opening year (0, -1, …) → share; default all in the opening year",
    ),
    earliestYear: Year.optional().describe("first year an idle or candidate plant can operate (lead time)"),
    closeCost: Money.default(0).describe("one-off cost of closing an active plant"),
    canClose: z.boolean().default(false).describe("whether closing the plant is allowed"),
    platforms: z.array(Id).default([]).describe("platforms the plant can build today"),
    platformConversion: z
      .record(Id, Money)
      .default({})
      .describe("platform id → one-off cost to make the plant able to build it"),
    currency: CurrencyCode.optional().describe(
      "currency of the plant's money and of programs' variable cost, tooling and customs value there (default: the scenario currency)",
    ),
    costIndex: z
      .number()
      .positive()
      .max(10)
      .default(1)
      .describe("multiplier on programs' variable cost at this plant (labour, energy, suppliers)"),
    reservedVolume: z
      .record(z.string().regex(/^\d{4}$/), Vehicles)
      .default({})
      .describe(
        "year → vehicles of capacity taken by programs outside the scenario while the plant operates",
      ),
    cite: Cites.default({}),
  })
  .describe("a plant that can build vehicles");
export type Plant = z.infer<typeof Plant>;

export const Program = z
  .strictObject({
    id: Id,
    name: z.string().min(1),
    brand: z.string().min(1),
    model: z.string().optional(),
    generation: z.string().optional(),
    segment: z.string().min(1).describe("market segment, e.g. D or E"),
    body: z.string().optional().describe("body style, e.g. sedan or SUV"),
    powertrain: z.string().optional().describe("e.g. BEV, multi-energy"),
    platform: Id.describe("the platform the program is built on"),
    sop: Year.describe("start of production (first full year)"),
    eop: Year.describe("end of production (last year)"),
    maxPlants: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe("most plants that may build it (1 = single-sourced)"),
    mustBuild: z.boolean().default(true).describe("whether the program must be allocated to a plant"),
    builtAt: z.array(Id).default([]).describe("plants already building it at the start (tooling sunk)"),
    variableCost: Money.describe("variable cost per vehicle at a plant of cost index 1"),
    variableCostByPlant: z
      .record(Id, Money)
      .default({})
      .describe("plant id → variable cost per vehicle, overriding the index"),
    tooling: Money.default(0).describe(
      "one-off program investment at each plant that builds it, paid at sop (see toolingPhasing)",
    ),
    toolingPhasing: CapexPhasing.optional().describe(
      "when tooling is paid: year offset from sop (0, -1, …) → share; default all at sop",
    ),
    toolingByPlant: z
      .record(Id, Money)
      .default({})
      .describe("plant id → tooling investment, overriding `tooling`"),
    customsValue: Money.optional().describe(
      "value per vehicle on which duties are charged (default: variable cost)",
    ),
    customsValueByPlant: z
      .record(Id, Money)
      .default({})
      .describe("plant id → customs value per vehicle in that plant's currency, overriding `customsValue`"),
    contentByPlant: z
      .record(Id, z.record(z.string(), Rate))
      .default({})
      .describe(
        "plant id → origin (ISO code or region id) → share of the vehicle's customs value made there (parts); the rest originates in the plant's country",
      ),
    cite: Cites.default({}),
  })
  .describe("a vehicle program: one model generation");
export type Program = z.infer<typeof Program>;

export const Market = z
  .strictObject({
    id: Id,
    name: z.string().min(1),
    countries: z.array(z.string()).min(1).describe("ISO country codes or region ids from `regions`"),
    lat: z.number().min(-90).max(90).optional().describe("latitude of the market's main port or centroid"),
    lon: z.number().min(-180).max(180).optional(),
    currency: CurrencyCode.optional().describe(
      "currency of the prices in this market (default: the scenario currency)",
    ),
    cite: Cites.default({}),
  })
  .describe("a sales market: countries or a named region");
export type Market = z.infer<typeof Market>;

/** Volumes per year: explicit, or a start volume growing at a constant rate. */
export const VolumeSpec = z.union([
  z.record(z.string().regex(/^\d{4}$/, "a year such as 2030"), Vehicles),
  z.strictObject({
    from: Year,
    volume: Vehicles,
    growth: z.number().min(-0.5).max(1).describe("annual growth rate, e.g. 0.05 for +5% a year"),
    to: Year.optional(),
  }),
]);
export type VolumeSpec = z.infer<typeof VolumeSpec>;

export const Demand = z
  .strictObject({
    program: Id,
    market: Id.optional().describe("the market; omit and give `shares` to split a total across markets"),
    shares: z.record(Id, Rate).optional().describe("market id → share of `volume`; shares must add up to 1"),
    volume: VolumeSpec.describe("vehicles per year"),
    price: Money.describe("net price per vehicle received by the maker (after dealer margin, before taxes)"),
    priceByMarket: z.record(Id, Money).optional().describe("market id → net price, overriding `price`"),
    cite: Cites.default({}),
  })
  .describe("demand and price of a program in a market (or split across markets)");
export type Demand = z.infer<typeof Demand>;

export const TransportMode = z.enum(["sea", "road", "rail"]);
export const Logistics = z
  .strictObject({
    defaultMode: TransportMode.default("sea"),
    modes: z
      .partialRecord(
        TransportMode,
        z.strictObject({
          fixedPerVehicle: Money.describe("handling per vehicle"),
          perKm: Money.describe("cost per vehicle and great-circle kilometre"),
        }),
      )
      .default({}),
    cite: Cites.default({}),
  })
  .describe("how lane costs are derived where a lane does not give its own");

export const Lane = z
  .strictObject({
    from: Id.describe("plant id"),
    to: Id.describe("market id"),
    costPerVehicle: Money.optional(),
    mode: TransportMode.optional(),
    distanceKm: z.number().min(0).max(40000).optional(),
    allowed: z.boolean().default(true),
    cite: Cites.default({}),
  })
  .describe("a plant → market lane: its logistics cost per vehicle, or mode and distance");
export type Lane = z.infer<typeof Lane>;

/** A duty that applies only where a rule of origin is (or is not) met. */
export const RuleOfOrigin = z
  .strictObject({
    region: z
      .array(z.string())
      .min(1)
      .describe("the agreement's countries: ISO codes or region ids (e.g. usmca)"),
    minContent: Rate.describe(
      "least regional value content: share of the customs value originating in the region (0.75 for USMCA cars)",
    ),
    applies: z
      .enum(["met", "not-met"])
      .default("met")
      .describe(
        "met: the duty applies only to vehicles that meet the rule (a preferential rate); not-met: only to those that do not",
      ),
  })
  .describe("a rule of origin on the program's content at the plant that builds it (program.contentByPlant)");

export const Duty = z
  .strictObject({
    id: Id,
    from: z.array(z.string()).min(1).describe("origin: ISO country codes or region ids"),
    to: z.array(Id).min(1).describe("destination market ids"),
    rate: Rate.describe("ad-valorem rate on the customs value"),
    validFrom: Year.optional(),
    validTo: Year.optional(),
    ruleOfOrigin: RuleOfOrigin.optional(),
    agreement: z.string().optional().describe("e.g. USMCA, EU-US 2025 framework, Section 232"),
    cite: Cites.default({}),
  })
  .describe("an import duty; where several match a lane and year, the last one listed wins");
export type Duty = z.infer<typeof Duty>;

/** A duty on parts imported into the country where a plant assembles the vehicle. */
export const PartsDuty = z
  .strictObject({
    id: Id,
    from: z.array(z.string()).min(1).describe("origin of the parts: ISO country codes or region ids"),
    to: z.array(z.string()).min(1).describe("assembly country: ISO country codes or region ids"),
    rate: Rate.describe("ad-valorem rate on the value of the parts (their share of the customs value)"),
    validFrom: Year.optional(),
    validTo: Year.optional(),
    agreement: z.string().optional(),
    cite: Cites.default({}),
  })
  .describe(
    "an import duty on parts; where several match an origin, plant and year, the last one listed wins",
  );
export type PartsDuty = z.infer<typeof PartsDuty>;

const PolicyBase = { id: Id, name: z.string().optional().describe("the policy in the user's words") };
export const Policy = z.discriminatedUnion("kind", [
  z.strictObject({ ...PolicyBase, kind: z.literal("fix-allocation"), program: Id, plant: Id }),
  z.strictObject({ ...PolicyBase, kind: z.literal("forbid-allocation"), program: Id, plant: Id }),
  z.strictObject({
    ...PolicyBase,
    kind: z.literal("restrict-to-countries"),
    program: Id,
    countries: z.array(CountryCode).min(1),
  }),
  z.strictObject({
    ...PolicyBase,
    kind: z.literal("keep-open"),
    plant: Id,
    from: Year.optional(),
    to: Year.optional(),
  }),
  z.strictObject({
    ...PolicyBase,
    kind: z.literal("budget-cap"),
    maxInvestment: Money.describe("most one-off investment (tooling, opening, conversion), undiscounted"),
    from: Year.optional(),
    to: Year.optional(),
  }),
  z.strictObject({
    ...PolicyBase,
    kind: z.literal("min-volume"),
    plant: Id,
    program: Id.optional(),
    volume: Vehicles.describe("least vehicles per year built by each allocated program (or the given one)"),
  }),
]);
export type Policy = z.infer<typeof Policy>;

export const Objective = z.strictObject({
  mode: z
    .enum(["profit", "serve-all"])
    .default("profit")
    .describe(
      "profit: unmet demand loses its margin; serve-all: minimise cost, unmet demand penalised or forbidden",
    ),
  unmetPenalty: Money.optional().describe(
    "serve-all: penalty per unmet vehicle; omitted = unmet demand forbidden",
  ),
});

/** What the plan is worth after the horizon's last year, counted as its own line of the NPV. */
export const TerminalValue = z
  .discriminatedUnion("method", [
    z.strictObject({ method: z.literal("none") }),
    z.strictObject({
      method: z.literal("perpetuity"),
      growth: z
        .number()
        .finite()
        .min(-0.5)
        .max(0.5)
        .default(0)
        .describe(
          "annual growth of the last year's operating cash flow after the horizon (a fraction, below the discount rate)",
        ),
    }),
    z.strictObject({
      method: z.literal("salvage"),
      openingLife: z
        .number()
        .int()
        .min(1)
        .max(100)
        .describe("years an opening investment serves, from the opening year (straight-line)"),
      conversionLife: z
        .number()
        .int()
        .min(1)
        .max(100)
        .describe("years a platform conversion serves, from the horizon's start (straight-line)"),
    }),
  ])
  .describe(
    "none; perpetuity: the last year's operating cash flow growing at `growth` for ever; salvage: the undepreciated share of each investment at the horizon's end",
  );
export type TerminalValue = z.infer<typeof TerminalValue>;

/** How the model is solved (docs/model.md, "Decomposition"); the solve call's own method overrides it. */
export const SOLVE_METHODS = ["auto", "monolithic", "benders"] as const;
export type SolveMethod = (typeof SOLVE_METHODS)[number];

export const SolverSettings = z.strictObject({
  timeLimitSeconds: z.number().positive().max(86400).optional(),
  mipRelGap: z.number().min(0).max(1).optional(),
  method: z
    .enum(SOLVE_METHODS)
    .optional()
    .describe("monolithic MILP, Benders decomposition, or auto (default): chosen by the model's size"),
});

export const Scenario = z
  .strictObject({
    portello: z.literal(1).describe("scenario format version"),
    id: Id,
    name: z.string().min(1),
    description: z.string().optional(),
    extends: z.string().optional().describe("base scenario: a path relative to this file, or builtin:<name>"),
    horizon: z.strictObject({ start: Year, end: Year }),
    discountRate: z.number().min(0).max(0.5).describe("annual real discount rate, e.g. 0.08"),
    currency: CurrencyCode.default("EUR").describe(
      "the currency the plan is reported in; amounts without their own currency are in it",
    ),
    fx: z
      .record(CurrencyCode, FxRate)
      .default({})
      .describe(
        "currency → exchange rate into the scenario currency, for plants and markets in other currencies",
      ),
    objective: Objective.default({ mode: "profit" }),
    terminalValue: TerminalValue.default({ method: "none" }),
    solver: SolverSettings.default({}),
    sources: z.array(Source).default([]),
    regions: z.record(Id, z.array(CountryCode).min(1)).default({}).describe("region id → ISO country codes"),
    plants: z.array(Plant).min(1),
    programs: z.array(Program).min(1),
    markets: z.array(Market).min(1),
    demand: z.array(Demand).default([]),
    logistics: Logistics.default({ defaultMode: "sea", modes: {}, cite: {} }),
    lanes: z.array(Lane).default([]),
    duties: z.array(Duty).default([]),
    partsDuties: z.array(PartsDuty).default([]),
    policies: z.array(Policy).default([]),
    cite: Cites.default({}),
  })
  .describe("a Portello scenario");
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

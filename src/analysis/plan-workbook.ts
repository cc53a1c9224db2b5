import {
  addSummary,
  addTable,
  MONEY_FORMAT,
  moneyField,
  type SummaryRow,
  type WorkbookWriter,
  workbookBytes,
  writeWorkbookFile,
} from "../domain/formats/xlsx/sheet-writer.js";
import type { Plan } from "../plan/types.js";
import { comparePlans, type PlanComparison } from "./compare.js";

/**
 * Plans as workbooks, for the people who take results on into their own spreadsheets: one sheet per part of
 * the plan (summary and NPV breakdown, allocations, plant events, plant-years, flows, unmet demand, landed cost,
 * duties, explanations, invariant checks), and a comparison of several plans. Values are numbers, formats only
 * change how they look.
 */

const PER_VEHICLE = "#,##0.00";
const VEHICLES = "#,##0";
const PERCENT = "0.0%";

export function fillPlanWorkbook(writer: WorkbookWriter, plan: Plan): void {
  const c = plan.scenario.currency;
  const money = moneyField(c);
  const bound = plan.solver.npvAtMost;
  const summary: SummaryRow[] = [
    ["scenario", plan.scenario.id],
    ["name", plan.scenario.name],
    ["horizon", `${plan.scenario.horizon.start}–${plan.scenario.horizon.end}`],
    ["discount rate", plan.scenario.discountRate, PERCENT],
    ["status", plan.status],
    ["solver", plan.solver.name],
    ["solver seconds", plan.solver.seconds, "0.0"],
    ...(plan.solver.gap !== undefined ? [["relative gap", plan.solver.gap, "0.000%"] as SummaryRow] : []),
    [`NPV (${c})`, plan.npv, MONEY_FORMAT],
    ...(bound !== undefined
      ? [[`NPV at most, by the solver's bound (${c})`, bound, MONEY_FORMAT] as SummaryRow]
      : []),
    ...Object.entries(plan.npvBreakdown).map(
      ([key, value]) => [`  ${words(key)} (${c}, discounted)`, value, MONEY_FORMAT] as SummaryRow,
    ),
  ];
  if (plan.infeasibility)
    summary.push(
      ["infeasible", plan.infeasibility.summary],
      ...plan.infeasibility.reasons.map((r) => ["  reason", r] as SummaryRow),
    );
  addSummary(writer, summary);
  addTable(
    writer,
    "Allocations",
    [
      { header: "program", value: (a) => a.program },
      { header: "plant", value: (a) => a.plant },
      { header: "from year", value: (a) => a.fromYear },
      { header: "to year", value: (a) => a.toYear },
      { header: "new tooling", value: (a) => a.newTooling },
      money("tooling cost", (a: Plan["allocations"][number]) => a.toolingCost ?? 0),
      { header: "volume (vehicles)", value: (a) => a.volume, numFmt: VEHICLES, note: "over the horizon" },
    ],
    plan.allocations,
    2,
  );
  addTable(
    writer,
    "Plant events",
    [
      { header: "plant", value: (e) => e.plant },
      { header: "year", value: (e) => e.year },
      { header: "event", value: (e) => e.event },
      { header: "platform", value: (e) => e.platform },
      money("cost", (e: Plan["plantEvents"][number]) => e.cost),
    ],
    plan.plantEvents,
  );
  addTable(
    writer,
    "Plant years",
    [
      { header: "plant", value: (p) => p.plant },
      { header: "year", value: (p) => p.year },
      { header: "operating", value: (p) => p.operating },
      { header: "shifts", value: (p) => p.shifts },
      { header: "volume (vehicles)", value: (p) => p.volume, numFmt: VEHICLES },
      {
        header: "capacity (vehicles)",
        value: (p) => p.capacity,
        numFmt: VEHICLES,
        note: "of the shifts run",
      },
      {
        header: "reserved (vehicles)",
        value: (p) => p.reserved ?? 0,
        numFmt: VEHICLES,
        note: "taken by programs outside the scenario",
      },
      { header: "utilisation (%)", value: (p) => p.utilisation, numFmt: PERCENT },
    ],
    plan.plantYears,
    2,
  );
  addTable(
    writer,
    "Flows",
    [
      { header: "program", value: (f) => f.program },
      { header: "plant", value: (f) => f.plant },
      { header: "market", value: (f) => f.market },
      { header: "year", value: (f) => f.year },
      { header: "volume (vehicles)", value: (f) => f.volume, numFmt: VEHICLES },
    ],
    plan.flows,
    3,
  );
  addTable(
    writer,
    "Unmet demand",
    [
      { header: "program", value: (u) => u.program },
      { header: "market", value: (u) => u.market },
      { header: "year", value: (u) => u.year },
      { header: "volume (vehicles)", value: (u) => u.volume, numFmt: VEHICLES },
    ],
    plan.unmet,
    2,
  );
  const perVehicle = (header: string, value: (l: Plan["landedCost"][number]) => number) => ({
    header: `${header} (${c}/vehicle)`,
    value,
    numFmt: PER_VEHICLE,
  });
  addTable(
    writer,
    "Landed cost",
    [
      { header: "program", value: (l) => l.program },
      { header: "plant", value: (l) => l.plant },
      { header: "market", value: (l) => l.market },
      perVehicle("variable", (l) => l.variable),
      perVehicle("logistics", (l) => l.logistics),
      perVehicle("duty", (l) => l.duty),
      perVehicle("total", (l) => l.total),
      perVehicle("price", (l) => l.price),
      {
        header: "volume (vehicles)",
        value: (l) => l.volume,
        numFmt: VEHICLES,
        note: "the averages are weighted by it",
      },
    ],
    plan.landedCost,
    3,
  );
  addTable(
    writer,
    "Duties by lane",
    [
      { header: "plant", value: (d) => d.plant },
      { header: "market", value: (d) => d.market },
      money("total", (d: Plan["dutiesByLane"][number]) => d.total),
      money("discounted", (d: Plan["dutiesByLane"][number]) => d.discounted),
    ],
    plan.dutiesByLane,
    2,
  );
  addTable(
    writer,
    "Explanations",
    [
      { header: "subject", value: (e) => e.subject },
      { header: "decision", value: (e) => e.decision },
      { header: "alternative", value: (e) => e.alternative },
      money("NPV advantage", (e: Plan["explanations"][number]) => e.npvAdvantage),
      { header: "why", value: (e) => e.text },
      { header: "hinges on", value: (e) => (e.hingesOn ?? []).join("; ") },
    ],
    plan.explanations,
  );
  addTable(
    writer,
    "Checks",
    [
      { header: "invariant", value: (i) => i.name },
      { header: "holds", value: (i) => i.ok },
      { header: "detail", value: (i) => i.detail },
    ],
    plan.invariants,
  );
}

export function fillComparisonWorkbook(writer: WorkbookWriter, comparison: PlanComparison): void {
  const heads = comparison.plans.map((p) => `${p.name} (${p.id})`);
  const formats = { money: MONEY_FORMAT, vehicles: VEHICLES, ratio: PERCENT } as const;
  addTable(
    writer,
    "Plans",
    [
      { header: "scenario", value: (p) => p.id },
      { header: "name", value: (p) => p.name },
      { header: "status", value: (p) => p.status },
      { header: "currency", value: (p) => p.currency },
      { header: "proven optimum", value: (p) => (p.proven ? "yes" : "no") },
      { header: "NPV at most, by the solver's bound", value: (p) => p.npvAtMost ?? "", numFmt: MONEY_FORMAT },
    ],
    comparison.plans,
  );
  writer.addSheet({
    name: "KPIs",
    columns: [
      { header: "KPI", width: 28 },
      { header: "unit", width: 10 },
      ...heads.map((header) => ({ header, width: 24 })),
    ],
    rows: comparison.kpis.map((k) => [
      k.label,
      k.unit === "money" ? comparison.plans[0]?.currency : k.unit,
      ...k.values,
    ]),
    rowFormats: (row) => {
      const kpi = comparison.kpis[row - 2];
      return kpi ? [undefined, undefined, ...kpi.values.map(() => formats[kpi.unit])] : undefined;
    },
    frozenColumns: 1,
    spareRows: 0,
  });
  writer.addSheet({
    name: "Differences",
    columns: [
      { header: "decision", width: 12 },
      { header: "subject", width: 22 },
      ...heads.map((header) => ({ header, width: 30 })),
    ],
    rows: comparison.differences.map((d) => [d.kind, d.subject, ...d.values]),
    frozenColumns: 2,
    spareRows: 0,
  });
}

export async function writePlanWorkbookFile(plan: Plan, path: string, overwrite = false): Promise<void> {
  await writeWorkbookFile(path, (writer) => fillPlanWorkbook(writer, plan), overwrite);
}

export function planWorkbookBytes(plan: Plan): Promise<Uint8Array> {
  return workbookBytes((writer) => fillPlanWorkbook(writer, plan));
}

export async function writeComparisonWorkbookFile(
  plans: Plan[],
  path: string,
  overwrite = false,
): Promise<void> {
  await writeWorkbookFile(path, (writer) => fillComparisonWorkbook(writer, comparePlans(plans)), overwrite);
}

export function comparisonWorkbookBytes(plans: Plan[]): Promise<Uint8Array> {
  return workbookBytes((writer) => fillComparisonWorkbook(writer, comparePlans(plans)));
}

function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

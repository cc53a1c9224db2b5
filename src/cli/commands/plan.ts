import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { comparePlans } from "../../analysis/compare.js";
import { writeComparisonWorkbookFile, writePlanWorkbookFile } from "../../analysis/plan-workbook.js";
import { loadScenario } from "../../domain/load.js";
import type { Scenario } from "../../domain/scenario.js";
import { type PlanOptions, SOLVE_METHODS, type SolveMethod, solveScenario } from "../../plan/solve.js";
import type { Plan } from "../../plan/types.js";
import { OPTIMUM_GAP, type SolveProgress, type SolverAdapter } from "../../solver/types.js";
import { ExitCode } from "../exit-codes.js";
import { fraction } from "../options.js";
import { printJson, runCommand, UserError } from "../output.js";
import { formatComparison, formatPlanReport, formatProgress } from "./plan-report.js";

interface SolveFlags {
  json?: boolean;
  out?: string;
  xlsx?: string;
  force?: boolean;
  timeLimit?: number;
  gap?: number;
  solver: "highs" | "cbc";
  method?: SolveMethod;
  explain: boolean;
}

export function registerPlanCommands(program: Command): void {
  program
    .command("solve")
    .description(
      "plan a scenario: where each program is built, which plants open, close and how many shifts they run",
    )
    .argument("<scenario>", "scenario file, or builtin:<name>")
    .option("--json", "print the full plan as JSON instead of the report")
    .option("--out <file>", "also write the full plan as JSON to this file")
    .option("--xlsx <file>", "also write the plan as an Excel workbook (docs/excel.md)")
    .option("--force", "let --out and --xlsx overwrite existing files")
    .option("--time-limit <seconds>", "stop after this many seconds, model build included", positiveNumber)
    .option("--gap <relative>", "accept a plan within this relative gap of the optimum, e.g. 0.001", fraction)
    .addOption(new Option("--solver <name>", "solver to use").choices(["highs", "cbc"]).default("highs"))
    .addOption(
      new Option(
        "--method <name>",
        "monolithic MILP, Benders decomposition, or auto: by the model's size (docs/model.md); default the scenario's solver.method, else auto",
      ).choices(SOLVE_METHODS),
    )
    .option("--no-explain", "skip the explanations (they re-solve once per decision)")
    .action((scenario: string, flags: SolveFlags) => runCommand(() => solveCommand(scenario, flags)));

  program
    .command("compare")
    .description(
      "KPIs side by side and the decisions that differ, for scenarios or saved plans (solve --out)",
    )
    .argument("<plans...>", "two or more scenario files, builtin:<name>s or plan JSON files")
    .option("--json", "print the comparison as JSON")
    .option("--xlsx <file>", "also write the comparison as an Excel workbook")
    .option("--force", "let --xlsx overwrite an existing file")
    .option("--time-limit <seconds>", "each scenario's solve stops after this many seconds", positiveNumber)
    .option(
      "--gap <relative>",
      "solve the scenarios within this relative gap (default: to the optimum, so that NPV changes are proven)",
      fraction,
    )
    .action((inputs: string[], flags: CompareFlags) => runCommand(() => compareCommand(inputs, flags)));
}

async function solveCommand(path: string, flags: SolveFlags): Promise<ExitCode> {
  for (const file of [flags.out, flags.xlsx])
    if (file && !flags.force && existsSync(file))
      throw new UserError(`${file} exists; use --force to overwrite it`);
  const scenario = await loadScenario(path);
  if (flags.solver === "cbc" && (flags.method ?? scenario.solver.method) === "benders")
    throw new UserError("the benders method solves its parts with HiGHS; it cannot use --solver cbc");
  const progress = progressLine(scenario);
  const plan = await solveScenario(scenario, {
    // HiGHS is the default solver: naming it would pin `auto` to the monolithic method
    ...(flags.solver === "cbc" ? { solver: await solverNamed(flags.solver) } : {}),
    ...(flags.method ? { method: flags.method } : {}),
    explain: flags.explain,
    ...(flags.timeLimit !== undefined ? { timeLimitSeconds: flags.timeLimit } : {}),
    ...(flags.gap !== undefined ? { mipRelGap: flags.gap } : {}),
    ...(progress ? { onProgress: progress.update } : {}),
  }).finally(() => progress?.clear());

  if (flags.out)
    await writeFile(flags.out, `${JSON.stringify(plan, null, 2)}\n`, { flag: flags.force ? "w" : "wx" });
  if (flags.xlsx) await writePlanWorkbookFile(plan, flags.xlsx, flags.force);
  if (flags.json) printJson(plan);
  else process.stdout.write(formatPlanReport(plan));
  return exitCodeOf(plan);
}

function exitCodeOf(plan: Plan): ExitCode {
  switch (plan.status) {
    case "optimal":
      if (plan.invariants.some((i) => !i.ok)) {
        throw new UserError(
          "the plan failed its own checks (see above): please report this scenario",
          ExitCode.failure,
        );
      }
      return ExitCode.ok;
    case "infeasible":
      return ExitCode.infeasible;
    case "time-limit":
    case "cancelled":
      return ExitCode.notProven;
    case "unbounded":
      throw new UserError(
        "the scenario's objective is unbounded: a cost or a volume has no limit",
        ExitCode.failure,
      );
    case "error":
      throw new UserError("the solver failed; try --solver cbc, or a smaller scenario", ExitCode.failure);
  }
}

async function solverNamed(name: "highs" | "cbc"): Promise<SolverAdapter> {
  if (name === "cbc") {
    const { CbcSolver } = await import("../../solver/cbc.js");
    return new CbcSolver();
  }
  const { HighsSolver } = await import("../../solver/highs.js");
  return new HighsSolver();
}

/** A one-line progress display on stderr, only where a person watches it. */
function progressLine(
  scenario: Scenario,
): { update: (p: SolveProgress) => void; clear: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shown = false;
  return {
    update(p) {
      process.stderr.write(`\r\x1b[K${formatProgress(p, scenario)}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}

interface CompareFlags {
  json?: boolean;
  xlsx?: string;
  force?: boolean;
  timeLimit?: number;
  gap?: number;
}

async function compareCommand(inputs: string[], flags: CompareFlags): Promise<ExitCode> {
  if (inputs.length < 2) throw new UserError("compare needs at least two scenarios or plans", ExitCode.usage);
  if (flags.xlsx && !flags.force && existsSync(flags.xlsx))
    throw new UserError(`${flags.xlsx} exists; use --force to overwrite it`);
  const plans: Plan[] = [];
  const options = {
    explain: false,
    // a comparison weighs differences between optima: by default the solves close their gaps
    mipRelGap: flags.gap ?? OPTIMUM_GAP,
    ...(flags.timeLimit !== undefined ? { timeLimitSeconds: flags.timeLimit } : {}),
  };
  for (const input of inputs) plans.push(await planFrom(input, options));
  const comparison = comparePlans(plans);
  if (flags.xlsx) await writeComparisonWorkbookFile(plans, flags.xlsx, flags.force);
  if (flags.json) printJson(comparison);
  else process.stdout.write(formatComparison(comparison));
  return ExitCode.ok;
}

/** A saved plan (JSON written by `solve --out`) is read as it is; anything else is a scenario to solve. */
async function planFrom(input: string, options: PlanOptions): Promise<Plan> {
  if (input.endsWith(".json") && existsSync(input)) {
    const parsed = parseJson(await readFile(input, "utf8"), input);
    if (isPlanLike(parsed)) return parsed;
    if (!(parsed && typeof parsed === "object" && "portello" in parsed)) {
      throw new UserError(`${input}: neither a plan (from solve --out) nor a scenario`);
    }
  }
  return solveScenario(await loadScenario(input), options);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

function isPlanLike(value: unknown): value is Plan {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<Plan>;
  return (
    typeof v.npv === "number" &&
    typeof v.npvBreakdown === "object" &&
    typeof v.scenario?.id === "string" &&
    Array.isArray(v.allocations) &&
    Array.isArray(v.plantEvents) &&
    Array.isArray(v.plantYears) &&
    Array.isArray(v.flows) &&
    Array.isArray(v.unmet)
  );
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number of seconds, got "${value}"`);
  return n;
}

import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { cflpScenarioInput, parseCflp } from "../../domain/formats/cflp.js";
import { scenarioYaml } from "../../domain/formats/yaml-text.js";
import { ExitCode } from "../exit-codes.js";
import { runCommand, UserError } from "../output.js";
import { writeOutput } from "./write-output.js";

/** `portello import <format> <file>`: converts other formats into Portello scenarios. */
export function registerImportCommands(program: Command): void {
  const importCommand = program
    .command("import")
    .description("convert other formats into Portello scenarios");
  importCommand
    .command("cflp")
    .description(
      "an OR-Library capacitated facility-location instance (e.g. cap41.txt) → a scenario: warehouses become " +
        "candidate plants, customers markets served in full",
    )
    .argument("<file>", "the OR-Library instance file")
    .option("--out <file>", "write the scenario here instead of to stdout")
    .option("--json", "write the scenario as JSON instead of YAML (reads far faster for large instances)")
    .option("--force", "overwrite --out if it exists")
    .option("--year <year>", "the planning year", "2030")
    .action((file: string, options: { out?: string; force?: boolean; json?: boolean; year: string }) =>
      runCommand(() => {
        const year = Number(options.year);
        if (!Number.isInteger(year) || year < 1900 || year > 2200) {
          throw new UserError(
            `--year must be a year between 1900 and 2200, not "${options.year}"`,
            ExitCode.usage,
          );
        }
        const input = readInput(file);
        const id = basename(file, extname(file));
        const scenario = cflpScenarioInput(parseCflp(input, file), { id, year });
        const text = options.json
          ? `${JSON.stringify(scenario, null, 2)}\n`
          : scenarioYaml(scenario, `Imported by \`portello import cflp ${basename(file)}\``);
        writeOutput(text, options.out, options.force);
        return ExitCode.ok;
      }),
    );
}

function readInput(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

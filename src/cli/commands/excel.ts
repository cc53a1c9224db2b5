import { existsSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { readBytes, validateDocument } from "../../domain/document.js";
import { writeScenarioWorkbookFile } from "../../domain/formats/xlsx/write.js";
import {
  fileResolver,
  loadScenario,
  parseScenarioText,
  readScenarioFile,
  readScenarioSource,
} from "../../domain/load.js";
import { ScenarioPatch } from "../../domain/scenario-patch.js";
import { scenarioYaml } from "../../domain/formats/yaml-text.js";
import { ExitCode } from "../exit-codes.js";
import { runCommand, UserError } from "../output.js";
import { writeOutput } from "./write-output.js";

/** `portello excel export|import`: scenarios as workbooks and back (docs/excel.md). */
export function registerExcelCommands(program: Command): void {
  const excel = program
    .command("excel")
    .description("scenarios as Excel workbooks (.xlsx): export to fill in, import what was filled in");

  excel
    .command("export")
    .description(
      "write a scenario as a workbook: one sheet per table, units in the headers, drop-down lists, a README sheet",
    )
    .argument("<scenario>", "scenario file (YAML, JSON or .xlsx) or builtin:<name>")
    .option("--out <file>", "the workbook to write (default: the scenario's name with .xlsx, here)")
    .option(
      "--diff",
      "for a scenario that extends a base: only its differences from the base (and `extends`)",
    )
    .option("--force", "overwrite --out if it exists")
    .action((file: string, options: { out?: string; diff?: boolean; force?: boolean }) =>
      runCommand(async () => {
        const scenario = await loadScenario(file); // the whole chain must be valid, also for --diff
        let data: Record<string, unknown>;
        if (options.diff) {
          if (scenario.extends === undefined)
            throw new UserError(`${file} does not extend a base scenario: --diff has nothing to leave out`);
          const top = readScenarioSource(await readScenarioFile(file), file);
          validateDocument(top, ScenarioPatch);
          data = top.data as Record<string, unknown>; // as written: the differences, without the defaults
        } else {
          const { extends: _, ...resolved } = scenario;
          data = resolved;
        }
        const out = options.out ?? `${basename(file.replace(/^builtin:/, ""), extname(file))}.xlsx`;
        await writeFileRefusingOverwrite(out, options.force, () =>
          writeScenarioWorkbookFile(data, out, options.force),
        );
        process.stderr.write(`portello: wrote ${out}\n`);
        return ExitCode.ok;
      }),
    );

  excel
    .command("import")
    .description(
      "read a workbook back into a scenario (YAML, or JSON with --json); every problem is reported with its sheet and cell",
    )
    .argument("<file>", "the workbook (.xlsx)")
    .option("--out <file>", "write the scenario here instead of to stdout")
    .option("--json", "write JSON instead of YAML")
    .option("--force", "overwrite --out if it exists")
    .action((file: string, options: { out?: string; json?: boolean; force?: boolean }) =>
      runCommand(async () => {
        const bytes = await readBytes(file);
        await parseScenarioText(bytes, file, fileResolver()); // every check YAML gets; nothing is written when one fails
        const data = readScenarioSource(bytes, file).data as Record<string, unknown>;
        const text = options.json
          ? `${JSON.stringify(data, null, 2)}\n`
          : scenarioYaml(data, `Imported by \`portello excel import ${basename(file)}\``);
        writeOutput(text, options.out, options.force);
        return ExitCode.ok;
      }),
    );
}

async function writeFileRefusingOverwrite(
  out: string,
  force: boolean | undefined,
  write: () => Promise<void>,
) {
  if (!force && existsSync(out)) throw new UserError(`${out} exists; add --force to overwrite it`);
  try {
    await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UserError(`${out} exists; add --force to overwrite it`);
    if (code) throw new UserError(`cannot write ${out}: ${(error as Error).message}`, ExitCode.failure);
    throw error;
  }
}

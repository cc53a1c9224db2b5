import type { Command } from "commander";
import { formatIssue, ValidationError, type ValidationIssue } from "../../domain/issues.js";
import { loadScenario } from "../../domain/load.js";
import type { Scenario } from "../../domain/scenario.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, runCommand } from "../output.js";

/** `portello validate <file...>`: every file is checked, every problem of every file is shown. */

interface FileResult {
  file: string;
  ok: boolean;
  issues: ValidationIssue[];
  summary?: string;
}

export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description(
      "check scenario files (YAML or JSON, or builtin:<name>): syntax, fields, references, extends",
    )
    .argument("<files...>", "scenario files to check")
    .option("--json", "print the results as JSON: [{ file, ok, issues }]")
    .action((files: string[], options: { json?: boolean }) =>
      runCommand(async () => {
        const results: FileResult[] = [];
        for (const file of files) results.push(await validateFile(file));
        if (options.json) printJson(results.map(({ file, ok, issues }) => ({ file, ok, issues })));
        else printResults(results);
        return results.every((r) => r.ok) ? ExitCode.ok : ExitCode.invalidInput;
      }),
    );
}

async function validateFile(file: string): Promise<FileResult> {
  try {
    const scenario = await loadScenario(file);
    return { file, ok: true, issues: [], summary: summarize(scenario) };
  } catch (error) {
    // anything but a validation problem is a bug, reported as such by runCommand
    if (!(error instanceof ValidationError)) throw error;
    return { file, ok: false, issues: error.issues };
  }
}

function summarize(s: Scenario): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return `${count(s.plants.length, "plant")}, ${count(s.programs.length, "program")}, ${count(s.markets.length, "market")}, horizon ${s.horizon.start}–${s.horizon.end}`;
}

function printResults(results: FileResult[]): void {
  for (const result of results) {
    if (result.ok) process.stdout.write(`ok  ${result.file}  (${result.summary})\n`);
    else for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    const problems = failed.reduce((n, r) => n + r.issues.length, 0);
    process.stderr.write(
      `portello: ${problems} problem${problems === 1 ? "" : "s"} in ${failed.length} of ${results.length} file${results.length === 1 ? "" : "s"}\n`,
    );
  }
}

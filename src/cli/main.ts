import { Command, CommanderError } from "commander";
import { registerAtlasCommands } from "./commands/atlas.js";
import { registerValidateCommand } from "./commands/validate.js";
import { registerPlanCommands } from "./commands/plan.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerStudyCommand } from "./commands/study.js";
import { registerImportCommands } from "./commands/import.js";
import { registerExportCommand } from "./commands/export.js";
import { registerExcelCommands } from "./commands/excel.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerAccountCommands } from "./commands/accounts.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { ExitCode } from "./exit-codes.js";
import { reportError } from "./output.js";

export function buildCli(): Command {
  const program = new Command("portello")
    .description(
      "Where is it made, and where should it be made? A production-network atlas and planner for car makers.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerAtlasCommands(program);
  registerValidateCommand(program);
  registerPlanCommands(program);
  registerDemoCommand(program);
  registerStudyCommand(program);
  registerImportCommands(program);
  registerExportCommand(program);
  registerExcelCommands(program);
  registerServeCommand(program);
  registerAccountCommands(program);
  registerWorkerCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const cli = buildCli();
  cli.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await cli.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
